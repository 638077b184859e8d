/// The theme used when no theme file is chosen or found: the text of `Themes/default.theme`,
/// embedded so the binary works without the repository (a test keeps the two identical).
extension Theme {
    /// The text of the shipped `Themes/default.theme`.
    public static let builtInDefaultText = """
        # rankscope theme "default", for dark terminals.
        # One "key = value" a line. A value is words in any order: at most one colour
        # (default, black red green yellow blue magenta cyan white, or 0-255), "on COLOUR"
        # for a background, and the attributes bold, dim, reverse, underline.
        # NO_COLOR in the environment turns every colour off (attributes stay).
        background = default
        foreground = default
        accent = cyan
        selection = reverse
        text.dim = dim
        title = bold
        border = default
        chart.axis = default
        chart.line = green
        chart.energy = magenta
        chart.rank = yellow bold
        marker.r90 = cyan
        marker.r99 = blue
        marker.r999 = white
        marker.breakeven = red
        chart.series.1 = green
        chart.series.2 = yellow
        chart.series.3 = cyan
        chart.series.4 = magenta
        chart.series.5 = red
        chart.series.6 = blue
        chart.series.7 = white
        chart.series.8 = 208
        heat.1 = 17
        heat.2 = 19
        heat.3 = 25
        heat.4 = 37
        heat.5 = 49
        heat.6 = 118
        heat.7 = 190
        heat.8 = 220
        heat.9 = 208
        heat.10 = 196
        bar.dense = green
        bar.sparse = blue
        bar.best = bold
        status.ok = green
        status.warning = yellow
        status.error = red
        
        """

    /// The built-in dark default theme.
    public static let builtInDefault: Theme = {
        // The text is a compile-time constant checked by the tests, so it always parses.
        try! Theme.parse(builtInDefaultText, fileName: "built-in default.theme")
    }()
}
