import Foundation

/// Reads and validates pipeline files.
public enum PipelineLoader {
    /// The largest pipeline file accepted, in bytes.
    public static let maximumFileSize = 1 << 20

    /// Reads the file at `path` and validates it.
    public static func load(path: String) throws(PipelineLoadError) -> PipelineFile {
        let url = URL(fileURLWithPath: path)
        let data: Data
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            if let size = attributes[.size] as? NSNumber, size.intValue > maximumFileSize {
                throw PipelineLoadError.unreadable(path: path,
                    reason: "the file is larger than \(maximumFileSize) bytes; is it really a pipeline file?")
            }
            if let type = attributes[.type] as? FileAttributeType, type == .typeDirectory {
                throw PipelineLoadError.unreadable(path: path, reason: "is a directory, not a pipeline file")
            }
            data = try Data(contentsOf: url)
        } catch let error as PipelineLoadError {
            throw error
        } catch {
            let reason = FileManager.default.fileExists(atPath: path)
                ? "cannot read the pipeline file" : "no such file"
            throw .unreadable(path: path, reason: reason)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(path: path, reason: "the file is not valid UTF-8 text")
        }
        do {
            return try parse(yaml: text, file: path)
        } catch {
            throw .invalid(error)
        }
    }

    /// Validates `yaml`; `file` is used in the diagnostics. Throws every problem found.
    public static func parse(yaml: String, file: String) throws(PipelineDiagnostics) -> PipelineFile {
        let sink = DiagnosticSink(file: file)
        guard let document = YAMLDocument.compose(yaml, sink: sink) else {
            throw PipelineDiagnostics(sink.errors)
        }
        let pipeline = PipelineBuilder(sink: sink, duplicates: document.duplicates).build(document.root)
        document.reportUnclaimedDuplicates(to: sink)
        guard sink.errors.isEmpty, var pipeline else {
            if sink.errors.isEmpty {
                sink.error("the pipeline could not be read", at: .start, path: "")
            }
            throw PipelineDiagnostics(sink.errors)
        }
        pipeline.source = yaml
        pipeline.sourceFile = file
        return pipeline
    }

    /// Validates `yaml` and returns its problems (empty when valid).
    public static func check(yaml: String, file: String) -> PipelineDiagnostics {
        do {
            _ = try parse(yaml: yaml, file: file)
            return PipelineDiagnostics([])
        } catch {
            return error
        }
    }
}
