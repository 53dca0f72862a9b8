"""The certificate table's rows are made in Python (TableRow.html): every value escaped once;
the table prints the same bytes as when it printed each field."""

from __future__ import annotations

from django.template import Context, Template

from ticcoop.certificates.rows import TableRow


def test_a_row_escapes_every_value_once_and_draws_the_badge() -> None:
    row = TableRow(
        number="130317001234",
        url="/certificates/130317001234/",
        institution_name='<b>"某&检测"</b>',
        institution_url="/institutions/X/?a=1&b=2",
        region="河北",
        issue_date="2026-01-02",
        expiry_date="2032-01-01",
        status="revoked",
        status_label="已撤销",
    )
    html = str(row.html)
    assert "&lt;b&gt;&quot;某&amp;检测&quot;&lt;/b&gt;" in html and "<b>" not in html
    assert 'href="/institutions/X/?a=1&amp;b=2"' in html
    assert html.endswith('<td class="status-revoked">')
    table = Template('{% include "certificates/certificate_table.html" %}')
    fields = Template(
        '\n    <tr><td><a href="{{ r.url }}"><code>{{ r.number }}</code></a></td>\n'
        '      <td><a href="{{ r.institution_url }}">{{ r.institution_name }}</a></td>\n'
        "      <td>{{ r.region }}</td>\n"
        "      <td>{{ r.issue_date }}</td><td>{{ r.expiry_date }}</td>\n"
        '      <td class="status-{{ r.status }}">{% load ui %}'
        "{% status_badge r.status r.status_label %}</td></tr>\n  "
    )
    printed = fields.render(Context({"r": row}))
    assert printed in table.render(Context({"rows": [row]}))
