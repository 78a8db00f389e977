import Foundation

/// File formats Berkas reads, recognised by their magic bytes, never by the file name.
public enum ImageFormat: String, Sendable {
    case png, jpeg, tiff, webp, bmp, gif, pdf

    public static func sniff(_ bytes: some Collection<UInt8>) -> ImageFormat? {
        let b = Array(bytes.prefix(16))
        func starts(_ p: [UInt8]) -> Bool { b.count >= p.count && Array(b[0..<p.count]) == p }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return .tiff }
        if b.count >= 12, starts([0x52, 0x49, 0x46, 0x46]), Array(b[8..<12]) == [0x57, 0x45, 0x42, 0x50] { return .webp }
        if starts([0x42, 0x4D]) { return .bmp }
        if starts([0x47, 0x49, 0x46, 0x38]) { return .gif }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        return nil
    }
}

/// Reads the EXIF orientation (1...8) of a JPEG, or 1 when there is none.
/// A small, bounds-checked parser: EXIF is attacker-controlled.
enum EXIFOrientation {
    static func read(_ d: [UInt8]) -> Int {
        var i = 2
        while i + 4 <= d.count, d[i] == 0xFF {
            let marker = d[i + 1]
            if marker == 0xD9 || marker == 0xDA { break }
            let len = Int(d[i + 2]) << 8 | Int(d[i + 3])
            guard len >= 2, i + 2 + len <= d.count else { break }
            if marker == 0xE1, len >= 16,
               Array(d[(i + 4)..<(i + 10)]) == [0x45, 0x78, 0x69, 0x66, 0, 0] {
                return parseTIFF(Array(d[(i + 10)..<(i + 2 + len)])) ?? 1
            }
            i += 2 + len
        }
        return 1
    }

    private static func parseTIFF(_ t: [UInt8]) -> Int? {
        guard t.count >= 8 else { return nil }
        let little: Bool
        if t[0] == 0x49 && t[1] == 0x49 { little = true }
        else if t[0] == 0x4D && t[1] == 0x4D { little = false }
        else { return nil }
        func u16(_ o: Int) -> Int? {
            guard o >= 0, o + 2 <= t.count else { return nil }
            return little ? Int(t[o]) | Int(t[o + 1]) << 8 : Int(t[o]) << 8 | Int(t[o + 1])
        }
        func u32(_ o: Int) -> Int? {
            guard let a = u16(o), let b = u16(o + 2) else { return nil }
            return little ? a | b << 16 : a << 16 | b
        }
        guard let ifd = u32(4), let count = u16(ifd) else { return nil }
        for k in 0..<min(count, 256) {
            let e = ifd + 2 + k * 12
            guard let tag = u16(e) else { return nil }
            if tag == 0x0112, let v = u16(e + 8), (1...8).contains(v) { return v }
        }
        return nil
    }
}
