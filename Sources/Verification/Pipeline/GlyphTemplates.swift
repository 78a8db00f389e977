import Foundation
import OCR

/// A glyph scaled into a fixed grid of ink densities 0...1, for template matching.
struct GlyphFeature: Sendable {
    static let width = 20
    static let height = 28
    var values: [Float]
    /// Width / height of the glyph's ink box (a `1` is narrow).
    var aspect: Float

    /// From a binary ink mask (true = ink) of `w` x `h`.
    init(mask: [Bool], w: Int, h: Int) {
        let gw = Self.width, gh = Self.height
        var v = [Float](repeating: 0, count: gw * gh)
        aspect = Float(w) / Float(max(1, h))
        // Scale by height; centre horizontally so width differences stay visible.
        let scale = Float(gh) / Float(max(1, h))
        let scaledW = min(Float(gw), Float(w) * scale)
        let offset = (Float(gw) - scaledW) / 2
        var counts = [Float](repeating: 0, count: gw * gh)
        for y in 0..<h {
            let gy = min(gh - 1, Int(Float(y) * scale))
            for x in 0..<w {
                let gx = min(gw - 1, max(0, Int(offset + Float(x) * scaledW / Float(max(1, w)))))
                counts[gy * gw + gx] += 1
                if mask[y * w + x] { v[gy * gw + gx] += 1 }
            }
        }
        for i in 0..<v.count where counts[i] > 0 { v[i] /= counts[i] }
        // Zero mean, unit norm: the dot product is then the correlation.
        let mean = v.reduce(0, +) / Float(v.count)
        var norm: Float = 0
        for i in 0..<v.count { v[i] -= mean; norm += v[i] * v[i] }
        norm = norm.squareRoot()
        if norm > 0 { for i in 0..<v.count { v[i] /= norm } }
        values = v
    }

    func correlation(_ o: GlyphFeature) -> Float {
        var s: Float = 0
        for i in 0..<values.count { s += values[i] * o.values[i] }
        // Penalise a shape of another width (a 1 against a 7).
        let ratio = min(aspect, o.aspect) / max(aspect, o.aspect)
        return s * (0.75 + 0.25 * ratio)
    }
}

/// Digit glyphs rendered from the typefaces NIKs are printed in (`models/nik-glyphs/FONT/D.png`).
public struct GlyphTemplates: Sendable {
    struct Template: Sendable { var digit: Character; var font: String; var feature: GlyphFeature }
    let templates: [Template]

    public var count: Int { templates.count }

    public init(directory: URL) throws {
        let fm = FileManager.default
        guard let fonts = try? fm.contentsOfDirectory(atPath: directory.path) else {
            throw GlyphTemplateError.missing(directory.path)
        }
        var out: [Template] = []
        for font in fonts.sorted() {
            let folder = directory.appendingPathComponent(font)
            for d in 0...9 {
                let path = folder.appendingPathComponent("\(d).png").path
                guard fm.fileExists(atPath: path), let pix = OCR.Pix(path: path)?.grey() else { continue }
                let bytes = pix.greyBytes()
                let mask = bytes.map { $0 < 128 }
                guard let ink = InkBox(mask: mask, w: pix.width, h: pix.height) else { continue }
                out.append(Template(digit: Character(String(d)), font: font,
                                    feature: ink.feature(mask: mask, w: pix.width)))
            }
        }
        if out.isEmpty { throw GlyphTemplateError.missing(directory.path) }
        templates = out
    }

    /// The best digit for a glyph and the runner-up digit, with their scores.
    func classify(_ f: GlyphFeature) -> (digit: Character, score: Float, second: Character, secondScore: Float) {
        var best: [Character: Float] = [:]
        for t in templates {
            let s = f.correlation(t.feature)
            if s > best[t.digit, default: -1] { best[t.digit] = s }
        }
        let ranked = best.sorted { $0.value > $1.value }
        let first = ranked[0]
        let second = ranked.count > 1 ? ranked[1] : (key: Character("?"), value: Float(-1))
        return (first.key, first.value, second.key, second.value)
    }
}

public enum GlyphTemplateError: Error, CustomStringConvertible {
    case missing(String)
    public var description: String { "NIK digit templates not found in \(path): the models folder is incomplete" }
    var path: String { if case .missing(let p) = self { return p }; return "" }
}

/// The tight box of the ink in a mask.
struct InkBox {
    var minX: Int, minY: Int, maxX: Int, maxY: Int

    init?(mask: [Bool], w: Int, h: Int) {
        var x0 = w, y0 = h, x1 = -1, y1 = -1
        for y in 0..<h { for x in 0..<w where mask[y * w + x] {
            x0 = min(x0, x); x1 = max(x1, x); y0 = min(y0, y); y1 = max(y1, y)
        } }
        guard x1 >= x0, y1 >= y0 else { return nil }
        minX = x0; minY = y0; maxX = x1; maxY = y1
    }

    func feature(mask: [Bool], w: Int) -> GlyphFeature {
        let bw = maxX - minX + 1, bh = maxY - minY + 1
        var sub = [Bool](repeating: false, count: bw * bh)
        for y in 0..<bh { for x in 0..<bw { sub[y * bw + x] = mask[(minY + y) * w + minX + x] } }
        return GlyphFeature(mask: sub, w: bw, h: bh)
    }
}

