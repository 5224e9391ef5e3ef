import CConsole

/// Standard output and standard error, buffered by stdio. All of Mote's text goes through here,
/// so the board build and the desktop build write the same bytes in the same order.
public enum Console {
    public enum Stream: Int32 {
        case output = 1
        case error = 2
    }

    public static func write(_ text: String, to stream: Stream = .output) {
        var text = text
        text.withUTF8 { bytes in
            _ = mote_console_write(stream.rawValue, bytes.baseAddress, bytes.count)
        }
    }

    /// Bytes as they are (a fetched body), not text.
    public static func write(bytes: [UInt8], to stream: Stream = .output) {
        bytes.withUnsafeBufferPointer { _ = mote_console_write(stream.rawValue, $0.baseAddress, $0.count) }
    }

    public static func line(_ text: String, to stream: Stream = .output) {
        write(text, to: stream)
        write("\n", to: stream)
    }

    public static func flush() {
        _ = mote_console_flush(Stream.output.rawValue)
        _ = mote_console_flush(Stream.error.rawValue)
    }
}
