import Testing
@testable import PasserelleWeb

@Suite struct TypographyTests {
    @Test func spacesBeforeDoublePunctuationAndInsideQuotesDoNotBreak() {
        #expect(Typography.french("<p>Attention : « oui » ? Non ! Voilà ; fin.</p>")
                == "<p>Attention\u{00A0}: «\u{00A0}oui\u{00A0}»\u{202F}? Non\u{202F}! Voilà\u{202F}; fin.</p>")
    }

    @Test func tagsAttributesAndTypedTextAreLeftAlone() {
        let html = #"<a href="/x?a=1" title="Question : ?">Lien : ici</a><textarea name="t">Mon texte : ? !</textarea><pre>a : b</pre><p>http://exemple : ok</p>"#
        #expect(Typography.french(html)
                == #"<a href="/x?a=1" title="Question : ?">Lien"# + "\u{00A0}" + #": ici</a><textarea name="t">Mon texte : ? !</textarea><pre>a : b</pre><p>http://exemple"# + "\u{00A0}" + ": ok</p>")
    }

    @Test func entitiesAndOddInputSurvive() {
        #expect(Typography.french("a&amp;b &lt; c") == "a&amp;b &lt; c")
        #expect(Typography.french("<p>fin :") == "<p>fin\u{00A0}:")
        #expect(Typography.french("texte <sans fin") == "texte <sans fin")
        #expect(Typography.french("") == "")
    }

    /// Protected elements are found whatever their case, only by their whole name, and end only at their own
    /// closing tag; the text after them is set again.
    @Test func protectedElementsEndAtTheirOwnClosingTag() {
        #expect(Typography.french("<PRE>a : b</Pre> c : d") == "<PRE>a : b</Pre> c\u{00A0}: d")
        #expect(Typography.french("<code>x ; <b>y ?</b> z !</code> w !") == "<code>x ; <b>y ?</b> z !</code> w\u{202F}!")
        #expect(Typography.french("<preface>a : b</preface>") == "<preface>a\u{00A0}: b</preface>",
                "a longer name is not a protected one")
        #expect(Typography.french("<pre>a : b</code> c : d</pre> e : f") == "<pre>a : b</code> c : d</pre> e\u{00A0}: f")
        #expect(Typography.french("<") == "<")
        #expect(Typography.french("« ") == "«\u{00A0}")
        #expect(Typography.french("«") == "«")
        #expect(Typography.french(" »") == "\u{00A0}»")
    }
}
