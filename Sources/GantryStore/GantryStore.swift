import GantryCore
