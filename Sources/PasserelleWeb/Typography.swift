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
    static let protected: [[UInt8]] = ["textarea", "pre", "code", "script", "style"].map { Array($0.utf8) }

    static func french(_ html: String) -> String {
        let bytes = Array(html.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 50)
        var index = 0
        var skipUntil: [UInt8]? = nil  // the closing tag that ends a protected element
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "<") {
                // Copy the whole tag; note whether it opens or closes a protected element.
                let end = bytes[index...].firstIndex(of: UInt8(ascii: ">")) ?? (bytes.count - 1)
                let tag = Array(bytes[index...end])
                output.append(contentsOf: tag)
                let name = tagName(tag)
                if let closing = skipUntil {
                    if tag.count > 2, tag[1] == UInt8(ascii: "/"), name == closing { skipUntil = nil }
                } else if tag.count > 1, tag[1] != UInt8(ascii: "/"), let name, protected.contains(name) {
                    skipUntil = name
                }
                index = end + 1
                continue
            }
            if skipUntil == nil {
                if byte == space, index + 1 < bytes.count {
                    let next = bytes[index + 1]
                    if next == UInt8(ascii: ":") { output.append(contentsOf: noBreak); index += 1; continue }
                    if next == UInt8(ascii: ";") || next == UInt8(ascii: "?") || next == UInt8(ascii: "!") {
                        // Not inside an entity or a word: "&nbsp;" has no space before ";".
                        output.append(contentsOf: narrowNoBreak); index += 1; continue
                    }
                    if bytes[(index + 1)...].starts(with: closingQuote) { output.append(contentsOf: noBreak); index += 1; continue }
                }
                if bytes[index...].starts(with: openingQuote), index + openingQuote.count < bytes.count,
                   bytes[index + openingQuote.count] == space {
                    output.append(contentsOf: openingQuote)
                    output.append(contentsOf: noBreak)
                    index += openingQuote.count + 1
                    continue
                }
            }
            output.append(byte)
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The lower-case name of a tag (`<textarea id=…>` → textarea, `</pre>` → pre).
    static func tagName(_ tag: [UInt8]) -> [UInt8]? {
        var start = 1
        if start < tag.count, tag[start] == UInt8(ascii: "/") { start += 1 }
        var name: [UInt8] = []
        while start < tag.count {
            let byte = tag[start]
            guard (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) else { break }
            name.append(byte | 0x20)
            start += 1
        }
        return name.isEmpty ? nil : name
    }
}
