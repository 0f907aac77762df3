import Foundation
import Mailroom
@testable import mailroom
import Testing

@Suite struct HTMLTextTests {
    @Test func rendersBlocksListsLinksAndEntities() {
        let html = """
        <html><head><title>x</title><style>p { color: red }</style></head><body>
        <h1>Hello &amp; welcome</h1><p>Your   reference is <strong>CLS-1</strong>, <em>not</em> later.</p>
        <ul><li>Profile</li><li>Connections<ol><li>first</li><li>second</li></ol></li></ul>
        <p><a href="https://example.com/cancel?a=1&amp;b=2" title="a > b">Cancel closure</a></p>
        <p><img src="logo.png" alt="Example logo"> <img src="x.png"> <img src="spacer.gif" alt=""></p>
        <p>&lt;script&gt; stays text &#8364; &#x20AC; &bdquo;Guthaben&ldquo; &ldquo;Withdraw&rdquo; &hellip; &unknown; &#0;</p></body></html>
        """
        let rendered = HTMLText(html: html)
        #expect(rendered.links == [HTMLText.Link(href: "https://example.com/cancel?a=1&b=2", text: "Cancel closure")])
        #expect(rendered.images == [HTMLText.Image(source: "logo.png", alt: "Example logo"),
                                    HTMLText.Image(source: "x.png", alt: nil),
                                    HTMLText.Image(source: "spacer.gif", alt: "")])
        #expect(rendered.text == """
        Hello & welcome

        Your reference is *CLS-1*, _not_ later.

        - Profile
        - Connections
          1. first
          2. second

        Cancel closure [1]

        [image: Example logo] [image]

        <script> stays text € € „Guthaben“ “Withdraw” … &unknown; \u{FFFD}
        """)
        #expect(rendered.withLinkList.hasSuffix("Links:\n[1] https://example.com/cancel?a=1&b=2"))
    }

    @Test func ansiStyleUsesBoldAndUnderline() {
        let rendered = HTMLText(html: "<p><strong>Bold</strong> and <em>em</em></p>", style: .ansi)
        #expect(rendered.text == "\u{1B}[1mBold\u{1B}[22m and \u{1B}[4mem\u{1B}[24m")
    }

    /// Every HTML 4 entity decodes as Python's `html.unescape` (an independent implementation) does.
    @Test func everyNamedEntityMatchesPython() throws {
        let script = """
        import html, html.entities, json
        print(json.dumps({n: html.unescape('&%s;' % n) for n in html.entities.name2codepoint}))
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let expected = try #require(try JSONSerialization.jsonObject(with: data) as? [String: String])
        #expect(expected.count == 252)
        for (name, value) in expected {
            #expect(HTMLText(html: "x&\(name);x").text == "x\(value)x", "&\(name);")
        }
    }
}

@Suite struct TextWrapTests {
    @Test func wrapsAtSpacesNeverInsideAWord() {
        let text = "Your account will be closed on 12 December 2026 at 00:00 UTC. At that time we will permanently delete:"
        let wrapped = TextWrap.wrap(text, width: 30)
        for line in wrapped.split(separator: "\n") { #expect(line.count <= 30, "\(line)") }
        #expect(wrapped.split(whereSeparator: { $0 == " " || $0 == "\n" }) == text.split(separator: " "))
    }

    @Test func keepsALongURLWholeOnItsOwnLine() {
        let url = "https://example.com/account/closure/CLS-2026-0042/cancel?token=abcdefghijklmnopqrstuvwxyz"
        let wrapped = TextWrap.wrap("Cancel here: \(url) until Friday.", width: 40)
        #expect(wrapped == "Cancel here:\n\(url)\nuntil Friday.")
    }

    @Test func listItemsAndIndentedLinesHangUnderTheirText() {
        #expect(TextWrap.wrap("  - your profile and all of your connections", width: 24)
                == "  - your profile and all\n    of your connections")
        #expect(TextWrap.wrap("12. the twelfth item of a numbered list", width: 20)
                == "12. the twelfth item\n    of a numbered\n    list")
    }

    @Test func colourSequencesTakeNoWidth() {
        let bold = "\u{1B}[1mSubject:\u{1B}[0m"
        #expect(TextWrap.visibleWidth(bold) == 8)
        #expect(TextWrap.wrap("\(bold) one two", width: 20) == "\(bold) one two")
        #expect(TextWrap.visibleWidth("Jürgen Weiß") == 11)
    }

    @Test func shortLinesAndEmptyLinesStayAsTheyAre() {
        #expect(TextWrap.wrap("a\n\nb c", width: 40) == "a\n\nb c")
    }
}

@Suite struct PagerAndColourTests {
    @Test func pagesOnlyATallOutputOnATerminal() {
        let env: [String: String] = [:]
        #expect(Pager.command(lines: 70, rows: 40, isTerminal: true, disabled: false, environment: env) == "less -R")
        #expect(Pager.command(lines: 30, rows: 40, isTerminal: true, disabled: false, environment: env) == nil)
        #expect(Pager.command(lines: 70, rows: 40, isTerminal: false, disabled: false, environment: env) == nil)
        #expect(Pager.command(lines: 70, rows: 40, isTerminal: true, disabled: true, environment: env) == nil)
        #expect(Pager.command(lines: 70, rows: 40, isTerminal: true, disabled: false, environment: ["PAGER": "more"]) == "more")
        #expect(Pager.command(lines: 70, rows: 40, isTerminal: true, disabled: false, environment: ["PAGER": ""]) == nil)
        #expect(Pager.command(lines: 70, rows: 40, isTerminal: true, disabled: false, environment: ["PAGER": "cat"]) == nil)
    }

    @Test func noColourWithNoColorOrADumbTerminal() {
        #expect(Terminal.colourAllowed([:]))
        #expect(Terminal.colourAllowed(["NO_COLOR": ""]))
        #expect(!Terminal.colourAllowed(["NO_COLOR": "1"]))
        #expect(!Terminal.colourAllowed(["TERM": "dumb"]))
    }
}

@Suite struct MessageSummaryTests {
    static func message(bodyBytes: Int) -> [UInt8] {
        let head = "From: a@example.com\r\nContent-Type: multipart/alternative;\r\n boundary=\"b1\"\r\n\r\n"
            + "--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + "-- \r\nsignature\r\n"
            + "--b1\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        return Array((head + String(repeating: "x", count: bodyBytes) + "\r\n--b1--\r\n").utf8)
    }

    @Test func partsSizeAndTheGmailWarning() {
        let small = MessageSummary(message: Self.message(bodyBytes: 1000), html: "<p>x</p>", links: 1)
        #expect(small.parts == ["text/plain (quoted-printable)", "text/html (base64)"])
        #expect(small.clippingWarning == nil)
        #expect(small.line.hasSuffix("parts: text/plain (quoted-printable), text/html (base64) · 1 link"), "\(small.line)")
        let near = MessageSummary(message: Self.message(bodyBytes: 95 * 1024), html: "", links: 0)
        #expect(near.clippingWarning == "near Gmail's 102 KB clipping limit")
        let over = MessageSummary(message: Self.message(bodyBytes: 103 * 1024), html: "", links: 0)
        #expect(over.clippingWarning?.contains("will clip") == true)
        #expect(over.line.contains("WARNING"))
        #expect(MessageSummary.kilobytes(1536) == "1.5 KB")
    }
}
