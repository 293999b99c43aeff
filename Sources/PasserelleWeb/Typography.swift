import Foundation

/// French typography on rendered pages: a non-breaking space before « : » and a narrow one before « ; ? ! »,
/// and non-breaking spaces inside « guillemets », so that a line never starts with a colon or a closing
/// quote. Only text between tags is changed; tags and their attributes, and the content of textarea, pre,
/// code, script and style (what a person typed, or code), are left as they are.
enum Typography {
    static let space: UInt8 = 0x20
    static let noBreak = Array("\u{00A0}".utf8)
    static let narrowNoBreak = Array("\u{202F}".utf8)
    static let openingQuote = Array("«".utf8)
    static let closingQuote = Array("»".utf8)
    static let openingQuoteAndNoBreak = openingQuote + noBreak
    static let protected: [[UInt8]] = ["textarea", "pre", "code", "script", "style"].map { Array($0.utf8) }

    static func french(_ html: String) -> String {
        var html = html
        return html.withUTF8 { french($0) }
    }

    /// The same on the page's bytes: one pass that copies runs of bytes and allocates only the output (a
    /// tag copied into its own array and slices compared with `starts(with:)` were a sixth of a lesson page).
    private static func french(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let count = bytes.count
        var output: [UInt8] = []
        output.reserveCapacity(count + count / 50)
        var index = 0, copied = 0  // bytes[copied..<index] are still to copy as they are
        var skipUntil: Int? = nil  // the protected element whose closing tag ends the skipped part
        func replace(_ length: Int, with replacement: [UInt8]) {
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<index]))
            output.append(contentsOf: replacement)
            index += length
            copied = index
        }
        func at(_ position: Int, _ expected: [UInt8]) -> Bool {
            guard position + expected.count <= count else { return false }
            for offset in 0..<expected.count where bytes[position + offset] != expected[offset] { return false }
            return true
        }
        while index < count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "<") {
                // The whole tag stays; note whether it opens or closes a protected element.
                var end = index + 1
                while end < count, bytes[end] != UInt8(ascii: ">") { end += 1 }
                if end == count { end = count - 1 }
                let closing = end > index + 1 && bytes[index + 1] == UInt8(ascii: "/")  // « </x… »
                let name = protectedName(bytes, from: index, through: end)
                if let open = skipUntil {
                    if closing, name == open { skipUntil = nil }
                } else if end > index, bytes[index + 1] != UInt8(ascii: "/"), let name {
                    skipUntil = name
                }
                index = end + 1
                continue
            }
            if skipUntil == nil {
                if byte == space, index + 1 < count {
                    let next = bytes[index + 1]
                    if next == UInt8(ascii: ":") { replace(1, with: noBreak); continue }
                    if next == UInt8(ascii: ";") || next == UInt8(ascii: "?") || next == UInt8(ascii: "!") {
                        // Not inside an entity or a word: "&nbsp;" has no space before ";".
                        replace(1, with: narrowNoBreak); continue
                    }
                    if at(index + 1, closingQuote) { replace(1, with: noBreak); continue }
                }
                if byte == openingQuote[0], at(index, openingQuote), index + openingQuote.count < count,
                   bytes[index + openingQuote.count] == space {
                    replace(openingQuote.count + 1, with: openingQuoteAndNoBreak)
                    continue
                }
            }
            index += 1
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<count]))
        return String(decoding: output, as: UTF8.self)
    }

    /// The position in `protected` of the element the tag `bytes[start...end]` names, if it is one of them.
    private static func protectedName(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, through end: Int) -> Int? {
        var first = start + 1
        if first <= end, bytes[first] == UInt8(ascii: "/") { first += 1 }
        var last = first
        while last <= end {
            let byte = bytes[last]
            guard (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) else { break }
            last += 1
        }
        return protected.firstIndex { name in
            name.count == last - first && name.indices.allSatisfy { bytes[first + $0] | 0x20 == name[$0] }
        }
    }
}
