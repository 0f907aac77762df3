@testable import mailroom
import Testing

@Suite struct HTMLTextTests {
    @Test func rendersBlocksListsLinksAndEntities() {
        let html = """
        <html><head><title>x</title><style>p { color: red }</style></head><body>
        <h1>Hello &amp; welcome</h1><p>Your   reference is <strong>CLS-1</strong>.</p>
        <ul><li>Profile</li><li>Connections</li></ul>
        <p><a href="https://example.com/cancel?a=1&amp;b=2">Cancel closure</a></p>
        <p>&lt;script&gt; stays text &#8364; &#x20AC;</p></body></html>
        """
        let rendered = HTMLText(html: html)
        #expect(rendered.links == ["https://example.com/cancel?a=1&b=2"])
        #expect(rendered.text == """
        Hello & welcome

        Your reference is CLS-1.

        - Profile
        - Connections

        Cancel closure [1]

        <script> stays text € €
        """)
        #expect(rendered.withLinkList.hasSuffix("Links:\n[1] https://example.com/cancel?a=1&b=2"))
    }
}
