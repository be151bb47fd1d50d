/// Where each part of the console goes at a given size. Pure; used by the screen and for mouse clicks.
public struct ConsoleLayout: Equatable, Sendable {
    /// The smallest usable terminal.
    public static let minimum = TerminalSize(columns: 60, rows: 16)

    public var size: TerminalSize
    public var header: Rect
    public var panels: [Panel: Rect]
    public var status: Rect
    public var keyBar: Rect

    /// Whether the terminal is below the minimum size.
    public var isTooSmall: Bool { size.columns < Self.minimum.columns || size.rows < Self.minimum.rows }

    public init(size: TerminalSize, stageCount: Int, itemCount: Int, metricCount: Int) {
        self.size = size
        let full = Rect(x: 0, y: 0, width: size.columns, height: size.rows)
        let (headerRect, afterHeader) = full.splitTop(1)
        let (body, bottom) = afterHeader.splitBottom(2)
        header = headerRect
        status = Rect(x: 0, y: bottom.y, width: bottom.width, height: 1)
        keyBar = Rect(x: 0, y: bottom.y + 1, width: bottom.width, height: 1)
        let bodyHeight = body.height
        let topHeight = min(max(5, stageCount + 2), max(5, bodyHeight * 2 / 5))
        let middleWanted = max(itemCount, metricCount) + 2
        let middleHeight = min(max(4, middleWanted), max(4, bodyHeight * 3 / 10), max(4, bodyHeight - topHeight - 5))
        let (top, rest) = body.splitTop(topHeight)
        let (middle, logRect) = rest.splitTop(middleHeight)
        let environmentsWidth = min(40, max(22, size.columns / 4))
        let (environments, pipeline) = top.splitLeft(environmentsWidth)
        let (checklist, metrics) = middle.splitLeft(size.columns >= 100 ? size.columns * 3 / 5 : size.columns / 2)
        panels = [.environments: environments, .pipeline: pipeline, .checklist: checklist, .metrics: metrics,
                  .log: logRect]
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
        return ConsoleLayout(size: size, stageCount: deploy?.stages.count ?? 0, itemCount: checklistRows.count,
                             metricCount: deploy?.metricOrder.count ?? 0)
    }
}
