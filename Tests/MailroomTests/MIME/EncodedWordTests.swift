import Testing
@testable import Mailroom

@Suite("RFC 2047 encoded words and header folding")
struct EncodedWordTests {
    static let samples: [String] = [
        "Grüße aus Köln",
        "Ihr Konto wird geschlossen 🙂👩🏽‍💻🇩🇪",
        "e\u{301}\u{302}\u{303} o\u{308} Z\u{351}\u{352}\u{353}\u{354}\u{355}\u{356}\u{357}\u{358}",
        "مرحبا بالعالم — שלום עולם",
        "您的帐户将于12月12日关闭，请尽快提取余额。您的帐户将于12月12日关闭，请尽快提取余额。",
        String(repeating: "Sehr lange Betreffzeile mit Umlauten äöü ", count: 8),
        String(repeating: "x", count: 300),
        " leading and trailing spaces ",
        "a=?utf-8?q?x?= b _ ? =",
    ]

    @Test(arguments: samples)
    func wordsDecodeBackAndStayWithinLimits(text: String) throws {
        let words = EncodedWord.encode(text, firstLimit: 69)
        #expect(words.first.map { $0.count <= 69 } == true)
        #expect(words.allSatisfy { $0.count <= 75 && $0.allSatisfy(\.isASCII) })
        #expect(MIMEDecoders.encodedWords(words.joined(separator: " ")) == text)
    }

    @Test func wordsSplitBetweenGraphemeClusters() throws {
        // Family emoji: 7 scalars, 25 UTF-8 bytes, one grapheme.
        let family = "👨‍👩‍👧‍👦"
        let words = EncodedWord.encode(String(repeating: family, count: 6))
        for word in words {
            let decoded = try #require(MIMEDecoders.encodedWords(word))
            #expect(decoded.count * family.unicodeScalars.count == decoded.unicodeScalars.count)
            #expect(decoded.allSatisfy { $0 == Character(family) })
        }
        #expect(words.count > 1)
    }

    @Test func oversizedClusterSplitsOnScalarsNotBytes() throws {
        let zalgo = "a" + String(repeating: "\u{301}", count: 60)
        let words = EncodedWord.encode(zalgo)
        #expect(words.count > 1)
        for word in words { #expect(MIMEDecoders.encodedWords(word) != nil) }
        #expect(MIMEDecoders.encodedWords(words.joined(separator: " ")) == zalgo)
    }

    @Test func qIsUsedForMostlyLatinAndBForCJK() {
        #expect(EncodedWord.encode("Ihr Konto wird geschlossen, Zoë").first?.hasPrefix("=?utf-8?q?") == true)
        #expect(EncodedWord.encode("Grüße").first?.hasPrefix("=?utf-8?b?") == true)
        #expect(EncodedWord.encode("您的帐户").first?.hasPrefix("=?utf-8?b?") == true)
        #expect(EncodedWord.encode("a b").first == "=?utf-8?q?a_b?=")
    }

    @Test func plainASCIISubjectStaysPlain() {
        #expect(HeaderValueEncoder.unstructured("Your account closes soon", headerName: "Subject")
            == ["Your", "account", "closes", "soon"])
    }

    @Test(arguments: ["double  space", " lead", "trail ", "=?utf-8?q?x?=", String(repeating: "y", count: 90), "Grüße"])
    func subjectsThatCannotBePlainAreEncoded(subject: String) {
        let tokens = HeaderValueEncoder.unstructured(subject, headerName: "Subject")
        #expect(tokens.allSatisfy { $0.hasPrefix("=?utf-8?") })
        #expect(MIMEDecoders.encodedWords(tokens.joined(separator: " ")) == subject)
    }

    @Test func asciiWordsStayPlainBesideEncodedRuns() throws {
        let subject = "Bestätigung: Ihr Konto für Zoë Ångström ist geschlossen"
        let tokens = HeaderValueEncoder.unstructured(subject, headerName: "Subject")
        #expect(tokens.count == 6)
        #expect(Array(tokens[1...2]) == ["Ihr", "Konto"] && Array(tokens[4...]) == ["ist", "geschlossen"])
        #expect(MIMEDecoders.encodedWords(tokens[0]) == "Bestätigung:")
        // "für Zoë Ångström" is one run: its spaces travel inside the encoded word.
        #expect(MIMEDecoders.encodedWords(tokens[3]) == "für Zoë Ångström")
        #expect(MIMEDecoders.encodedWords(tokens.joined(separator: " ")) == subject)
    }

    @Test func displayNamesUseAtomsQuotedStringsOrEncodedWords() {
        #expect(HeaderValueEncoder.phrase("Ada Lovelace", headerName: "To") == ["Ada", "Lovelace"])
        #expect(HeaderValueEncoder.phrase("Lovelace, Ada", headerName: "To") == ["\"Lovelace, Ada\""])
        #expect(HeaderValueEncoder.phrase("A \"B\" \\C", headerName: "To") == ["\"A \\\"B\\\" \\\\C\""])
        #expect(HeaderValueEncoder.phrase("Zoë", headerName: "To") == ["=?utf-8?q?Zo=C3=AB?="])
        #expect(HeaderValueEncoder.phrase("Zoë Lovelace", headerName: "To").last == "Lovelace")
    }

    @Test func foldingBreaksAtSpacesNearSeventyEightColumns() {
        let words = (0..<40).map { "word\($0)" }
        let rendered = HeaderField(name: "Subject", tokens: words).rendered
        #expect(rendered.hasSuffix("\r\n"))
        let lines = String(rendered.utf8.dropLast(2))!.components(separatedBy: "\r\n")
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(" ") && !$0.hasPrefix("  ") })
        let unfolded = lines.joined()
        #expect(unfolded == "Subject: " + words.joined(separator: " "))
    }

    @Test func foldingNeverBreaksInsideAnEncodedWord() {
        let subject = String(repeating: "Grüße 🙂 ", count: 30)
        let tokens = HeaderValueEncoder.unstructured(subject, headerName: "Subject")
        let rendered = HeaderField(name: "Subject", tokens: tokens).rendered
        let lines = String(rendered.utf8.dropLast(2))!.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
        for line in lines {
            let body = line.hasPrefix("Subject: ") ? line.dropFirst(9) : line.dropFirst()
            #expect(body.hasPrefix("=?utf-8?") && body.hasSuffix("?="))
        }
    }
}
