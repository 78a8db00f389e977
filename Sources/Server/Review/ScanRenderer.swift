import Foundation
import OCR

/// Turns a stored scan into a PNG a browser shows, page by page.
///
/// The page is decoded exactly as the pipeline loads it (`ScanLoader`: EXIF orientation
/// applied, PDFs rasterised by poppler at the same resolution), so the verdict's field boxes,
/// which are in the loaded page's pixels, line up with the image. The browser never receives a
/// PDF or TIFF to interpret.
struct ScanRenderer: Sendable {
    var limits: ScanLimits = .default

    enum Failure: Error { case noSuchPage(Int), unrenderable(String) }

    func png(_ data: Data, page: Int) async throws -> Data {
        let limits = self.limits
        // Decoding is CPU work (and a child process for PDFs): off the server's event loops.
        return try await Task.detached(priority: .userInitiated) {
            let scan: LoadedScan
            do { scan = try ScanLoader(limits: limits).load(data: data) } catch {
                throw Failure.unrenderable(String(describing: error))
            }
            guard scan.pages.indices.contains(page - 1) else { throw Failure.noSuchPage(page) }
            guard let bytes = scan.pages[page - 1].pngData() else { throw Failure.unrenderable("PNG encoding failed") }
            return Data(bytes)
        }.value
    }
}
