"""The report a reader gets: one self-contained HTML file (Jinja2 templates) and its PDF.

Modules:

* :mod:`mkba.report.chartspec`: one definition of every chart (order, signs, colour-blind-safe
  colours, titles, alternative text);
* :mod:`mkba.report.html.svg`: a chart as inline SVG;
* :mod:`mkba.report.html.context`, :mod:`mkba.report.html.sib`, :mod:`mkba.report.html.project`:
  what each section shows, as words from :mod:`mkba.report.vocabulary` and numbers from
  :mod:`mkba.report.numbers`;
* :mod:`mkba.report.html.build`: the analyses a report asks for (tornado, break-even, Monte Carlo, SIB);
* :mod:`mkba.report.html.render`: the templates filled, the HTML written, the PDF printed by headless
  Chromium.

The templates (``templates/*.j2``) and the style sheet (``templates/report.css``) are package data.
Jinja2 and Babel are imported inside the functions that use them.

Layer: :mod:`mkba.report` (it may import result, project and everything below; :mod:`mkba.cli`
imports it).
"""
