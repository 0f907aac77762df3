/// The character classes the parser reads by. They are sets of `Character`s (the reading
/// swift-mustache shares, so the tests can compare the two), answered from the character's byte
/// where it has one: hashing a `Character` per character read is the slow part of parsing.
extension TemplateProgram {
    /// What a tag's name may hold, brackets of a list position included.
    ///
    /// A character of one byte (always ASCII) is looked up in a table; any other goes to the set,
    /// which also holds what is canonically equal to a name character (U+212A KELVIN SIGN is `K`).
    static func nameCharacters(_ character: Character) -> Bool {
        let utf8 = character.utf8
        guard utf8.count == 1, let byte = utf8.first else { return nameCharacterSet.contains(character) }
        return nameBytes[Int(byte & 0x7F)]
    }

    /// The same without `(` and `)`.
    static func nameCharactersWithoutBrackets(_ character: Character) -> Bool {
        let utf8 = character.utf8
        guard utf8.count == 1, let byte = utf8.first else {
            return nameCharacterWithoutBracketsSet.contains(character)
        }
        return nameBytesWithoutBrackets[Int(byte & 0x7F)]
    }

    /// Not a line break (`\n`, `\r\n`) nor `{`, compared by bytes: no other character is
    /// canonically equal to one of those three.
    static func isPlainText(_ character: Character) -> Bool {
        let utf8 = character.utf8
        switch utf8.count {
        case 1: return utf8.first != UInt8(ascii: "\n") && utf8.first != UInt8(ascii: "{")
        case 2: return !utf8.elementsEqual("\r\n".utf8)
        default: return true
        }
    }

    /// `" "` or `"\t"`, by bytes as above (a space with a combining mark is neither).
    static func isSpaceOrTab(_ character: Character) -> Bool {
        let utf8 = character.utf8
        return utf8.count == 1 && (utf8.first == UInt8(ascii: " ") || utf8.first == UInt8(ascii: "\t"))
    }

    static let nameCharacterSet = Set<Character>(
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?()*")
    static let nameCharacterWithoutBracketsSet = Set<Character>(
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?*")

    private static let nameBytes = asciiTable(nameCharacterSet)
    private static let nameBytesWithoutBrackets = asciiTable(nameCharacterWithoutBracketsSet)

    private static func asciiTable(_ set: Set<Character>) -> [Bool] {
        (0..<128).map { set.contains(Character(Unicode.Scalar(UInt8($0)))) }
    }
}
