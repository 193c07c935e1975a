import Ink

/// One Markdown document rendered as a self-contained HTML page with the book's stylesheet
/// inlined (the run report: it opens from any folder, with no network).
public enum StandalonePage {
    /// `lang`: the page's language ("ja" for a Japanese run's report).
    public static func html(markdown: String, title: String, lang: String = "en") -> String {
        let body = MarkdownParser().html(from: markdown)
        return """
        <!DOCTYPE html>
        <html lang="\(lang)">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(SwiftHighlighter.escape(title))</title>
        <style>
        \(SiteStyle.css)
        </style>
        </head>
        <body>
        <main><article>
        \(body)
        </article></main>
        </body>
        </html>

        """
    }
}
