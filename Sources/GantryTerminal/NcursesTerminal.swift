import Glibc
import CNcursesw
import GantryConsole

/// Why the terminal could not be used.
public struct TerminalError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The ncurses backend: sets the terminal up (newterm, cbreak, keypad, mouse, colours), decodes
/// input into `Key`s, writes only the cells that changed, and restores the terminal on the way out.
/// The only code that talks to ncurses. Use from one thread.
public final class NcursesTerminal {
    /// Whether the locale is UTF-8 (otherwise the console draws ASCII glyphs).
    public let isUTF8: Bool
    /// How many colours the terminal has (0 without colour).
    public let colorCount: Int
    private var screen: OpaquePointer?
    private let wakeFD: Int32
    private var previous: CellBuffer?
    private var pairs: [PairKey: Int16] = [:]
    private var nextPair: Int16 = 1
    private var stopped = false

    private struct PairKey: Hashable {
        var fg: TerminalColor
        var bg: TerminalColor
    }

    /// Starts the terminal. Installs signal handlers first; fails (no exit) when TERM is unusable.
    public init() throws(TerminalError) {
        wakeFD = TerminalSignals.install()
        setlocale(LC_ALL, "")
        isUTF8 = gantry_is_utf8() != 0
        guard isatty(1) != 0, isatty(0) != 0 else {
            throw TerminalError("the console needs a terminal (stdin and stdout must be a tty)")
        }
        let term = getenv("TERM").map { String(cString: $0) } ?? ""
        guard !term.isEmpty else { throw TerminalError("TERM is not set: the console cannot drive this terminal") }
        guard let screen = gantry_newterm(nil) else {
            throw TerminalError("cannot use terminal type '\(term)' (no terminfo entry?)")
        }
        self.screen = screen
        guard gantry_has_cup() != 0 else {
            endwin()
            delscreen(screen)
            self.screen = nil
            throw TerminalError("terminal type '\(term)' cannot move the cursor; use a full terminal (e.g. TERM=xterm-256color)")
        }
        cbreak()
        noecho()
        nonl()
        keypad(gantry_stdscr(), true)
        nodelay(gantry_stdscr(), true)
        intrflush(gantry_stdscr(), false)
        set_escdelay(25)
        curs_set(0)
        if has_colors() {
            start_color()
            use_default_colors()
            colorCount = Int(gantry_colors())
        } else {
            colorCount = 0
        }
        mousemask(gantry_button1_clicks(), nil)
        mouseinterval(0)
    }

    deinit { stop() }

    /// Restores the terminal (idempotent).
    public func stop() {
        guard !stopped else { return }
        stopped = true
        guard let screen else { return }
        mousemask(0, nil)
        curs_set(1)
        endwin()
        delscreen(screen)
        self.screen = nil
        TerminalSignals.restoreMode()
    }

    /// The current size (re-read from the kernel after a SIGWINCH).
    public var size: TerminalSize {
        if TerminalSignals.takeResize() {
            var rows: Int32 = 0, cols: Int32 = 0
            if gantry_winsize(1, &rows, &cols) == 0, rows > 0, cols > 0 {
                resizeterm(rows, cols)
                previous = nil
            }
        }
        return TerminalSize(columns: Int(gantry_cols()), rows: Int(gantry_lines()))
    }

    /// Adapts a theme to what the terminal can show.
    public func adapt(_ theme: Theme) -> Theme {
        if colorCount == 0 { return theme.withoutColor() }
        if colorCount < 256 { return theme.basicColors() }
        return theme
    }

    // MARK: - Output

    /// Writes the cells that changed since the last frame. Returns how many cells were written.
    @discardableResult
    public func present(_ buffer: CellBuffer) -> Int {
        let runs = buffer.diff(from: previous)
        if previous == nil || previous?.width != buffer.width || previous?.height != buffer.height {
            wclear(gantry_stdscr())
        }
        var written = 0
        let window = gantry_stdscr()
        for run in runs {
            var x = run.x
            for cell in run.cells {
                defer { x += 1 }
                if cell.isContinuation { continue }
                // A cchar_t holds 5 wide characters, the last one the terminating 0.
                var text = (0..<min(4, cell.glyph.count)).map { wchar_t(bitPattern: cell.glyph.scalar(at: $0).value) }
                if text.isEmpty { text = [32] }
                text.append(0)
                _ = gantry_set_cell(window, Int32(run.y), Int32(x), text, attributes(cell.style), Int32(pair(cell.style)))
                written += 1
            }
        }
        previous = buffer
        if !runs.isEmpty {
            wnoutrefresh(window)
            doupdate()
        }
        return written
    }

    /// Forgets the last frame (the next `present` redraws everything).
    public func invalidate() { previous = nil }

    private func attributes(_ style: CellStyle) -> attr_t {
        var value = gantry_a_normal()
        if style.attributes.contains(.bold) { value |= gantry_a_bold() }
        if style.attributes.contains(.dim) { value |= gantry_a_dim() }
        if style.attributes.contains(.reverse) { value |= gantry_a_reverse() }
        if style.attributes.contains(.underline) { value |= gantry_a_underline() }
        return value
    }

    private func pair(_ style: CellStyle) -> Int16 {
        guard colorCount > 0, style.fg != .default || style.bg != .default else { return 0 }
        let key = PairKey(fg: style.fg, bg: style.bg)
        if let existing = pairs[key] { return existing }
        guard Int(nextPair) < min(Int(gantry_color_pairs()), 32_000) else { return 0 }
        let number = nextPair
        nextPair += 1
        init_pair(number, color(style.fg), color(style.bg))
        pairs[key] = number
        return number
    }

    private func color(_ color: TerminalColor) -> Int16 {
        switch color {
        case .default: -1
        case .index(let value): Int(value) < colorCount ? Int16(value) : Int16(TerminalColor.index(value).basic.indexValue)
        }
    }

    // MARK: - Input

    /// What woke the loop.
    public enum Wake: Equatable {
        case input, poked, timeout, signal(Int32)
    }

    /// Blocks until input, a poke (store event, resize, signal) or `timeoutMilliseconds` (-1: forever).
    public func wait(timeoutMilliseconds: Int32) -> Wake {
        if TerminalSignals.stopSignal != 0 { return .signal(TerminalSignals.stopSignal) }
        var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)]
        let result = poll(&fds, 2, timeoutMilliseconds)
        if TerminalSignals.stopSignal != 0 { return .signal(TerminalSignals.stopSignal) }
        if result <= 0 { return result == 0 ? .timeout : .poked }
        if fds[1].revents != 0 { TerminalSignals.drain(wakeFD) }
        return fds[0].revents != 0 ? .input : .poked
    }

    /// The most keys `readKeys` returns at once.
    public static let keysPerRead = 256

    /// Every key waiting (non-blocking), at most `keysPerRead`.
    public func readKeys() -> [Key] {
        var keys: [Key] = []
        var value: wint_t = 0
        while true {
            let status = wget_wch(gantry_stdscr(), &value)
            if status == ERR { break }
            if status == KEY_CODE_YES {
                if let key = functionKey(Int32(value)) { keys.append(key) }
            } else if let key = characterKey(UInt32(value)) {
                keys.append(key)
            }
            if keys.count >= Self.keysPerRead { break }
        }
        return keys
    }

    private func functionKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_BTAB: return .backTab
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE, KEY_DC: return .backspace
        case KEY_RESIZE:
            previous = nil
            return nil
        case KEY_MOUSE:
            var event = MEVENT()
            guard getmouse(&event) == OK else { return nil }
            if event.bstate & gantry_button4_pressed() != 0 { return .scrollUp(column: Int(event.x), row: Int(event.y)) }
            if event.bstate & gantry_button5_pressed() != 0 { return .scrollDown(column: Int(event.x), row: Int(event.y)) }
            if event.bstate & gantry_button1_pressed() != 0 { return .click(column: Int(event.x), row: Int(event.y)) }
            return nil
        default: return nil
        }
    }

    private func characterKey(_ value: UInt32) -> Key? {
        switch value {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 0..<32: return nil
        default:
            guard let scalar = Unicode.Scalar(value) else { return nil }
            return .character(Character(scalar))
        }
    }
}

extension TerminalColor {
    var indexValue: UInt8 {
        if case .index(let value) = self { return value }
        return 7
    }
}
