extension TemplateCatalog {
    /// Renders every template in every locale it has against its sample events and returns every
    /// problem found (empty means all is well). Used by `mailroom templates check`.
    ///
    /// Each sample is rendered once per locale of its template (its `account.locale` replaced) and
    /// in three shapes: as given, with every optional field present, and with every optional
    /// field absent, so a typo inside `{{#cancel_url}}` or `{{^cancel_url}}` is found whichever
    /// way the sample was written. A template without any sample is a problem too.
    ///
    /// - Parameter samples: decoded sample events, e.g. from ``sampleFiles(of:)``; each is matched
    ///   to its template by event type.
    public func check(samples: [Event]) -> [TemplateError] {
        var problems: [TemplateError] = []
        var seen = Set<String>()
        for name in templateNames {
            let mine = samples.filter { $0.type.templateName == name }
            guard !mine.isEmpty else {
                problems.append(
                    TemplateError(
                        code: .missingSample,
                        message: "template \(name) has no sample event; add \(name)/sample.json so it can be checked",
                        template: name, file: "\(name)/sample.json"))
                continue
            }
            for locale in locales(of: name) {
                for sample in mine {
                    for shape in [sample, sample.withAllOptionals(), sample.withoutOptionals()] {
                        var event = shape
                        event.account.locale = locale
                        let found: [TemplateError]
                        do {
                            found = try renderCollecting(event).problems
                        } catch {
                            found = [error]
                        }
                        // The same typo shows in every shape and sample: report it once.
                        for problem in found where seen.insert(problem.message).inserted {
                            problems.append(problem)
                        }
                    }
                }
            }
        }
        return problems
    }
}

extension Event {
    /// The same event with every optional field filled in and at least two retained records, so
    /// that every `{{#optional}}` branch and `{{^last()}}`-style list branch renders.
    package func withAllOptionals() -> Event {
        var event = self
        event.account.name = account.name ?? "Sample Recipient"
        switch payload {
        case .closureRequested(var data):
            data.cancelURL = data.cancelURL ?? "https://example.com/account/closure/cancel"
            data.supportURL = data.supportURL ?? "https://example.com/support"
            event.payload = .closureRequested(data)
        case .balanceOutstanding(var data):
            data.withdrawURL = data.withdrawURL ?? "https://example.com/account/balance/withdraw"
            event.payload = .balanceOutstanding(data)
        case .closed(var data):
            data.privacyContact = data.privacyContact ?? "privacy@example.com"
            if data.retained.count == 1 { data.retained += data.retained }
            event.payload = .closed(data)
        }
        return event
    }

    /// The same event with every optional field removed and a single retained record.
    package func withoutOptionals() -> Event {
        var event = self
        event.account.name = nil
        switch payload {
        case .closureRequested(var data):
            data.cancelURL = nil
            data.supportURL = nil
            event.payload = .closureRequested(data)
        case .balanceOutstanding(var data):
            data.withdrawURL = nil
            event.payload = .balanceOutstanding(data)
        case .closed(var data):
            data.privacyContact = nil
            data.retained = Array(data.retained.prefix(1))
            event.payload = .closed(data)
        }
        return event
    }
}
