"""How user text is prepared for the briefing's paragraphs."""

from posmap.export.briefing_style import markup


def test_a_wrapped_pdf_line_reads_as_one_sentence() -> None:
    assert markup("The Valdorian\ngovernment regards", keep_line_breaks=True) == "The Valdorian government regards"


def test_paragraph_breaks_in_a_quote_are_kept() -> None:
    assert markup("First part.\n\nSecond part.", keep_line_breaks=True) == "First part.<br/>Second part."


def test_markup_in_user_text_is_escaped() -> None:
    assert markup('<b>x</b> & "y"') == "&lt;b&gt;x&lt;/b&gt; &amp; &quot;y&quot;"
