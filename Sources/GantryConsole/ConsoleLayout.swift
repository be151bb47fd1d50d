import GantryCore

/// Where each part of the console goes at a given size. Pure; used by the screen and for mouse clicks.
///
/// With room (at least 110 columns and every environment's card fits), the environments are
/// cards in a column on the left, beside the pipeline, checklist, metrics and log. Otherwise
/// each environment is one line above the checklist, beside the pipeline.
public struct ConsoleLayout: Equatable, Sendable {
    /// The smallest usable terminal.
    public static let minimum = TerminalSize(columns: 60, rows: 16)

    public var size: TerminalSize
    public var header: Rect
    /// Everything between the header and the status line.
    public var body: Rect
    public var panels: [Panel: Rect]
    public var status: Rect
    public var keyBar: Rect
    /// Whether environments are drawn as full cards (else one line each).
    public var cards: Bool

    /// Whether the terminal is below the minimum size.
    public var isTooSmall: Bool { size.columns < Self.minimum.columns || size.rows < Self.minimum.rows }

    public init(size: TerminalSize, stageCount: Int, itemCount: Int, metricCount: Int, environmentCount: Int = 1,
                cardHeight: Int = 0) {
        self.size = size
        let full = Rect(x: 0, y: 0, width: size.columns, height: size.rows)
        let (headerRect, afterHeader) = full.splitTop(1)
        let (bodyRect, bottom) = afterHeader.splitBottom(2)
        header = headerRect
        body = bodyRect
        status = Rect(x: 0, y: bottom.y, width: bottom.width, height: 1)
        keyBar = Rect(x: 0, y: bottom.y + 1, width: bottom.width, height: 1)
        let cardsHeight = environmentCount * cardHeight + 2
        cards = cardHeight > 0 && size.columns >= 110 && cardsHeight <= bodyRect.height
        var panels: [Panel: Rect] = [:]
        var right = bodyRect
        if cards {
            let width = min(52, max(38, size.columns * 2 / 7))
            let (left, rest) = bodyRect.splitLeft(width)
            panels[.environments] = left
            right = rest
        }
        let bodyHeight = right.height
        let environmentsHeight = cards ? 0 : environmentCount + 2
        let topHeight = min(max(5, stageCount + 2, environmentsHeight), max(5, bodyHeight * 2 / 5))
        let middleWanted = max(itemCount, metricCount * (bodyHeight >= 50 ? 2 : 1)) + 2
        let middleHeight = min(max(4, middleWanted), max(4, bodyHeight * 3 / 10), max(4, bodyHeight - topHeight - 5))
        let (top, rest) = right.splitTop(topHeight)
        let (middle, logRect) = rest.splitTop(middleHeight)
        if cards {
            panels[.pipeline] = top
        } else {
            let environmentsWidth = min(40, max(24, size.columns * 3 / 10))
            let (environments, pipeline) = top.splitLeft(environmentsWidth)
            panels[.environments] = environments
            panels[.pipeline] = pipeline
        }
        let (checklist, metrics) = middle.splitLeft(middle.width >= 100 ? middle.width * 3 / 5 : middle.width / 2)
        panels[.checklist] = checklist
        panels[.metrics] = metrics
        panels[.log] = logRect
        self.panels = panels
    }

    /// The panel under a cell.
    public func panel(atColumn column: Int, row: Int) -> Panel? {
        Panel.allCases.first { panels[$0]?.contains(column: column, row: row) == true }
    }

    /// The rectangle inside a panel's border.
    public func inner(_ panel: Panel) -> Rect {
        (panels[panel] ?? Rect(x: 0, y: 0, width: 0, height: 0)).inset(1)
    }
}

extension ConsoleModel {
    /// The layout of this model at `size`.
    public func layout(_ size: TerminalSize) -> ConsoleLayout {
        let deploy = selectedDeploy
        // Before the first deploy the panels show the plan: its stages and checklist items, below a line.
        let plan = deploy == nil ? selectedEnvironment.flatMap { policies[$0] } : nil
        let stages = deploy?.stages.count ?? plan.map { $0.stages.count + 1 } ?? 0
        let items = deploy != nil ? checklistRows.count : plan.map { $0.checklists.reduce(1) { $0 + $1.items.count } } ?? 0
        return ConsoleLayout(size: size, stageCount: stages, itemCount: items,
                             metricCount: metricPlans.count, environmentCount: environments.count,
                             cardHeight: EnvironmentsPanel.cardHeight(self))
    }

    /// The metrics the selected environment is watched by: the selected deploy's frozen ones,
    /// else those a new deploy there would use.
    public var metricPlans: [MetricPlan] {
        if let deploy = selectedDeploy, !deploy.policy.metrics.isEmpty { return deploy.policy.metrics }
        return selectedEnvironment.flatMap { policies[$0]?.metrics } ?? []
    }
}
