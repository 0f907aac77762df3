import Foundation
import Mailroom

/// The web preview's pages. Every value from a template, a sample or an event goes through
/// ``escaped(_:)``; the email's own HTML is never inlined, only framed from `/email/html`.
enum PreviewPages {
    struct Entry: Sendable {
        var template: String
        var locale: String
        var sample: String
        var source: PreviewSource

        var query: String {
            if case .eventFile = source { return "event=1" }
            return "template=\(Self.component(template))&locale=\(Self.component(locale))&sample=\(Self.component(sample))"
        }

        static func component(_ text: String) -> String {
            text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
        }
    }

    /// The pages: our own script and style only, frames only from this server, nothing else.
    static let pagePolicy = "default-src 'none'; script-src 'self'; style-src 'self'; frame-src 'self'; connect-src 'self'; "
        + "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    /// The email inside its frame: inline styles and inline images, no script, no network, sandboxed
    /// even when opened on its own.
    static let framePolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
        + "form-action 'none'; frame-ancestors 'self'; sandbox"

    static func escaped(_ text: String) -> String {
        var output = ""
        ScalarHTMLEscaping.append(text, to: &output)
        return output
    }

    static func page(title: String, version: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en" data-version="\(escaped(version))">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>\(escaped(title))</title>
        <link rel="stylesheet" href="/preview.css">
        <script src="/preview.js" defer></script>
        </head>
        <body>
        \(body)
        </body>
        </html>
        """
    }

    static func index(entries: Result<[Entry], Failure>, version: String) -> String {
        let rows: String
        switch entries {
        case .failure(let failure):
            rows = "<p class=\"error\">\(escaped(failure.message))</p>"
        case .success(let entries):
            rows = "<table class=\"index\"><thead><tr><th>template</th><th>locale</th><th>sample</th></tr></thead><tbody>\n"
                + entries.map { entry in
                    "<tr><td><a href=\"/email?\(escaped(entry.query))\">\(escaped(entry.template))</a></td>"
                        + "<td>\(escaped(entry.locale))</td><td>\(escaped(entry.sample))</td></tr>"
                }.joined(separator: "\n")
                + "\n</tbody></table>"
        }
        return page(title: "Mailroom preview", version: version, body: """
            <header><h1>Mailroom preview</h1><p>Every template in every locale with each of its samples. \
            The page reloads when a template changes.</p></header>
            <main>\(rows)</main>
            """)
    }

    static func email(_ entry: Entry, rendering: Result<MessageFactory.Made, Failure>, version: String) -> String {
        let title = "\(entry.template) \(entry.locale) \(entry.sample)"
        let nav = "<nav><a href=\"/\">All templates</a></nav>"
        guard case .success(let made) = rendering else {
            let message: String
            if case .failure(let failure) = rendering { message = failure.message } else { message = "" }
            return page(title: title, version: version, body: """
                \(nav)<h1>\(escaped(title))</h1>
                <p class="error">\(escaped(message))</p>
                """)
        }
        let headers = HeaderSectionDecoder.fields(of: made.message.bytes)
            .map { "<tr><th>\(escaped($0.name))</th><td>\(escaped($0.value))</td></tr>" }.joined(separator: "\n")
        let text = HTMLText(html: made.email.html)
        let summary = MessageSummary(message: made.message.bytes, html: made.email.html, links: text.links.count)
        let findings = AuthorChecks.findings(made.email)
        let checks = findings.isEmpty
            ? "<p class=\"ok\">Author checks: no finding.</p>"
            : "<ul class=\"error\">" + findings.map { "<li>\(escaped($0.description))</li>" }.joined() + "</ul>"
        let frame = "/email/html?\(escaped(entry.query))"
        return page(title: made.email.subject, version: version, body: """
            \(nav)
            <h1>\(escaped(made.email.subject))</h1>
            <p class="summary">\(escaped(entry.template)) · \(escaped(made.email.locale)) · \(escaped(entry.sample)) · \(escaped(summary.line))</p>
            \(checks)
            <section><h2>Headers</h2><table class="headers">\(headers)</table></section>
            <section><h2>HTML</h2>
            <div class="frames">
            <figure><figcaption>Desktop (640 px)</figcaption><iframe class="desktop" sandbox src="\(frame)" title="HTML part at desktop width"></iframe></figure>
            <figure><figcaption>Phone (375 px)</figcaption><iframe class="phone" sandbox src="\(frame)" title="HTML part at phone width"></iframe></figure>
            </div></section>
            <section><h2>Text part</h2><pre class="text">\(escaped(made.email.text))</pre></section>
            <section><h2>Source</h2><pre class="raw">\(escaped(String(decoding: made.message.bytes, as: UTF8.self)))</pre></section>
            """)
    }

    static func loadError(_ failure: Failure, version: String) -> String {
        page(title: "Templates do not load", version: version,
             body: "<nav><a href=\"/\">All templates</a></nav><h1>Templates do not load</h1><p class=\"error\">\(escaped(failure.message))</p>")
    }

    static func notFound() -> String {
        page(title: "Not found", version: "", body: "<nav><a href=\"/\">All templates</a></nav><p class=\"error\">No such template, locale or sample.</p>")
    }

    /// Polls `/version` and reloads the page when the templates changed (no inline script: the
    /// page's policy allows only this file).
    static let script = """
        "use strict";
        (function () {
          var shown = document.documentElement.getAttribute("data-version");
          function check() {
            fetch("/version", { cache: "no-store" }).then(function (r) { return r.text(); }).then(function (now) {
              if (shown && now && now !== shown) { location.reload(); }
            }).catch(function () {}).finally(function () { setTimeout(check, 1000); });
          }
          setTimeout(check, 1000);
        })();
        """

    static let style = """
        * { box-sizing: border-box; }
        body { margin: 0; padding: 16px; font: 15px/1.45 system-ui, sans-serif; color: #1f2933; background: #f4f5f7; }
        h1 { font-size: 20px; margin: 8px 0; overflow-wrap: anywhere; }
        h2 { font-size: 16px; margin: 24px 0 8px; }
        a { color: #1a56db; }
        table { border-collapse: collapse; background: #fff; max-width: 100%; }
        th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #e1e4e8; vertical-align: top; overflow-wrap: anywhere; }
        th { white-space: nowrap; }
        .summary { color: #4b5563; overflow-wrap: anywhere; }
        .error { color: #b91c1c; white-space: pre-wrap; overflow-wrap: anywhere; }
        .ok { color: #047857; }
        .frames { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
        figure { margin: 0; max-width: 100%; }
        figcaption { font-size: 13px; color: #4b5563; margin-bottom: 4px; }
        iframe { display: block; border: 1px solid #c9ced6; background: #fff; height: 900px; max-width: 100%; }
        iframe.desktop { width: 640px; }
        iframe.phone { width: 375px; }
        pre { background: #fff; border: 1px solid #e1e4e8; padding: 12px; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 13px; }
        """
}
