/// A value a template may reference.
///
/// Optional fields are explicit: `.absent` is a name that exists with no value, so
/// `{{#cancel_url}}...{{/cancel_url}}` is a normal section and not a missing variable.
enum TemplateValue: Sendable, Equatable {
    case text(String)
    case absent
    /// The elements of a list section, each a scope of its own fields.
    case list([[String: TemplateValue]])
}
