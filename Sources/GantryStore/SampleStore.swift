import Foundation
import GantryCore

/// Where live metric samples go between deploys: apart from the event log (they are readings,
/// not facts), bounded per environment and metric, so a store sampled for months stays small.
/// The SQLite file beside the event log is the embedded one; team mode brings its own.
public protocol SampleStore: AnyObject, Sendable {
    /// Adds samples; the oldest beyond `keep` per environment and metric are dropped.
    func record(_ samples: [LiveSample]) throws(StoreError)
    /// The newest `limit` samples of every environment and metric, oldest first.
    func recent(limit: Int) throws(StoreError) -> LiveSamples
}
