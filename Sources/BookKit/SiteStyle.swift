/// The site's one stylesheet: system fonts (nothing downloaded), a single readable column that
/// narrows to a phone's width, code that scrolls sideways instead of breaking the layout,
/// light and dark colours following the reader's system setting.
///
/// Japanese text (`lang="ja"`: the Japanese edition, and Japanese runs in English pages) is set
/// in "Course JP", the site's own subset of Noto Sans CJK JP (`book/fonts/`, see `BookFont`),
/// first in its stack: a machine with no Japanese font shows real glyphs instead of boxes, and
/// every machine shows the same Japanese shapes. The font maps only CJK characters, so Latin
/// letters and digits in Japanese text still come from the system fonts after it.
enum SiteStyle {
    static let css = """
    @font-face {
      font-family: "Course JP"; font-style: normal; font-weight: 400; font-display: swap;
      src: url("fonts/CourseJP-Regular.woff2") format("woff2"), url("fonts/CourseJP-Regular.woff") format("woff");
    }
    @font-face {
      font-family: "Course JP"; font-style: normal; font-weight: 700; font-display: swap;
      src: url("fonts/CourseJP-Bold.woff2") format("woff2"), url("fonts/CourseJP-Bold.woff") format("woff");
    }
    :root {
      --bg: #fdfcf9; --fg: #1f2328; --muted: #5b636d; --accent: #0b5cad; --rule: #e3e0d8;
      --code-bg: #f4f2ec; --code-fg: #1f2328; --note-bg: #eef4fb;
      --kw: #a0307a; --ty: #0f6e76; --st: #a3451c; --cm: #6b7280; --nu: #1d4fb8; --at: #8a5a00;
    }
    @media (prefers-color-scheme: dark) {
      :root {
        --bg: #16181c; --fg: #e6e6e3; --muted: #a0a6ad; --accent: #7db4f0; --rule: #30343a;
        --code-bg: #1f2227; --code-fg: #e6e6e3; --note-bg: #1d2733;
        --kw: #e38ccf; --ty: #5fcfd6; --st: #f0a070; --cm: #8d949c; --nu: #8fb4ff; --at: #e3b65c;
      }
    }
    * { box-sizing: border-box; }
    html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
    body {
      margin: 0; background: var(--bg); color: var(--fg);
      font: 17px/1.65 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Hiragino Sans", "Noto Sans CJK JP", sans-serif;
    }
    body:lang(ja), span:lang(ja) {
      font-family: "Course JP", system-ui, -apple-system, "Segoe UI", "Noto Sans", "Hiragino Sans", "Noto Sans CJK JP", sans-serif;
    }
    /* Code keeps its monospace letters; Japanese comments and strings in it use Course JP. */
    code:lang(ja), pre:lang(ja), code span:lang(ja), pre span:lang(ja) {
      font-family: ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", "Course JP", monospace;
    }
    .formula:lang(ja) { font-family: "STIX Two Math", "Cambria Math", "Latin Modern Math", "DejaVu Serif", Georgia, "Course JP", serif; }
    body:lang(ja) { line-height: 1.8; line-break: strict; }
    header.site nav a.language { font-weight: 600; }
    a { color: var(--accent); text-decoration-thickness: 1px; text-underline-offset: 2px; }
    header.site {
      display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; align-items: baseline; justify-content: space-between;
      padding: .7rem max(1rem, calc((100% - 46rem) / 2)); border-bottom: 1px solid var(--rule);
    }
    header.site .book { font-weight: 650; color: var(--fg); text-decoration: none; }
    header.site nav a { margin-left: .9rem; }
    header.site nav a:first-child { margin-left: 0; }
    main { max-width: 46rem; margin: 0 auto; padding: 0 1rem 2rem; }
    h1 { font-size: 2rem; line-height: 1.2; margin: 2rem 0 1rem; }
    h2 { font-size: 1.45rem; line-height: 1.25; margin: 2.4rem 0 .8rem; padding-top: .6rem; border-top: 1px solid var(--rule); }
    h3 { font-size: 1.15rem; margin: 1.8rem 0 .6rem; }
    h2, h3, h4 { scroll-margin-top: 1rem; }
    p, li { overflow-wrap: break-word; }
    li + li { margin-top: .25rem; }
    blockquote { margin: 1.2rem 0; padding: .6rem 1rem; background: var(--note-bg); border-left: 4px solid var(--accent); border-radius: 4px; }
    blockquote p { margin: .3rem 0; }
    code { font-family: ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: .88em; }
    :not(pre) > code { background: var(--code-bg); padding: .08em .3em; border-radius: 4px; overflow-wrap: anywhere; }
    pre {
      background: var(--code-bg); color: var(--code-fg); padding: .8rem 1rem; border-radius: 6px;
      overflow-x: auto; line-height: 1.45; font-size: .95rem; -webkit-overflow-scrolling: touch;
    }
    pre code { font-size: .85rem; }
    figure { margin: 1.4rem 0; }
    figure.code pre { margin: 0; border-top-left-radius: 0; border-top-right-radius: 0; }
    figure.code figcaption {
      display: flex; flex-wrap: wrap; gap: .2rem .8rem; justify-content: space-between;
      font-size: .8rem; color: var(--muted); background: var(--code-bg); border-bottom: 1px solid var(--rule);
      padding: .35rem 1rem; border-radius: 6px 6px 0 0;
    }
    figure.code .region { font-family: ui-monospace, Menlo, Consolas, monospace; font-weight: 600; }
    figure.image { text-align: center; }
    img { max-width: 100%; height: auto; border: 1px solid var(--rule); border-radius: 4px; background: #fff; }
    .kw { color: var(--kw); font-weight: 600; } .ty { color: var(--ty); } .st { color: var(--st); }
    .cm { color: var(--cm); font-style: italic; } .nu { color: var(--nu); } .at { color: var(--at); }
    .formula {
      display: flex; flex-direction: column; align-items: center; gap: .15rem; margin: 1.2rem 0; padding: .6rem .5rem;
      font-family: "STIX Two Math", "Cambria Math", "Latin Modern Math", "DejaVu Serif", Georgia, serif;
      font-size: 1.12rem; overflow-x: auto; white-space: pre;
    }
    /* A table wider than the column scrolls inside its box; the shadows at the edges (they
       move with the content) show that there is more to the side. */
    .table {
      overflow-x: auto; margin: 1.2rem 0; -webkit-overflow-scrolling: touch;
      background:
        linear-gradient(to right, var(--bg) 30%, transparent) left / 2rem 100% no-repeat local,
        linear-gradient(to left, var(--bg) 30%, transparent) right / 2rem 100% no-repeat local,
        radial-gradient(farthest-side at 0 50%, rgba(0,0,0,.2), transparent) left / .7rem 100% no-repeat scroll,
        radial-gradient(farthest-side at 100% 50%, rgba(0,0,0,.2), transparent) right / .7rem 100% no-repeat scroll;
    }
    table { border-collapse: collapse; min-width: 100%; font-size: .95rem; }
    .table.wide table { font-size: .85rem; }
    .table.wide th, .table.wide td { padding: .35rem .45rem; }
    th, td { border: 1px solid var(--rule); padding: .4rem .6rem; text-align: left; vertical-align: top; }
    th { background: var(--code-bg); }
    nav.on-this-page { margin: 0 0 1.5rem; padding: .4rem 1rem; border: 1px solid var(--rule); border-radius: 6px; font-size: .95rem; }
    nav.on-this-page summary { cursor: pointer; color: var(--muted); }
    nav.on-this-page ol { margin: .4rem 0; padding-left: 1.4rem; }
    nav.on-this-page ul { margin: .2rem 0 .4rem; padding-left: 1.1rem; list-style: circle; font-size: .92rem; }
    nav.pager { display: flex; flex-wrap: wrap; gap: .8rem; margin: 3rem 0 1rem; }
    nav.pager a {
      flex: 1 1 14rem; display: block; padding: .7rem 1rem; border: 1px solid var(--rule); border-radius: 6px; text-decoration: none;
    }
    nav.pager a span { display: block; font-size: .8rem; color: var(--muted); }
    nav.pager a.next { text-align: right; }
    .contents .tagline { font-size: 1.15rem; color: var(--muted); }
    .contents .start a { font-weight: 600; }
    ol.toc > li { margin: .8rem 0; font-weight: 600; }
    ul.toc > li { margin: .4rem 0; font-weight: 600; }
    ul.sections { font-weight: 400; font-size: .95rem; margin: .2rem 0; padding-left: 1.2rem; }
    footer { max-width: 46rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; color: var(--muted); font-size: .85rem; border-top: 1px solid var(--rule); }
    @media (min-width: 68rem) {
      /* Code is wider than prose: on a wide screen, code figures grow into the margins. */
      figure.code, .table.wide { margin-left: -7rem; margin-right: -7rem; }
    }
    @media (max-width: 600px) {
      body { font-size: 16px; }
      h1 { font-size: 1.6rem; margin-top: 1.2rem; }
      h2 { font-size: 1.3rem; }
      main { padding: 0 .8rem 1.5rem; }
      pre { padding: .6rem .7rem; margin-left: -.3rem; margin-right: -.3rem; }
      ul, ol { padding-left: 1.3rem; }
      /* Tables become one card per row, each cell under its column's name. */
      .table table, .table tbody, .table tr, .table td { display: block; min-width: 0; }
      .table thead { display: none; }
      .table tr { border: 1px solid var(--rule); border-radius: 6px; margin: 0 0 .7rem; padding: .3rem .6rem; }
      .table td { border: none; padding: .15rem 0; }
      .table td[data-label]::before { content: attr(data-label); display: block; font-size: .78rem; color: var(--muted); }
      .table td:first-child { font-weight: 600; }
      .table td:first-child::before { display: none; }
    }

    """
}
