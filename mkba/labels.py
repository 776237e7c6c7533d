"""Labels for reports, workbooks and the terminal: Dutch by default, English on request."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    "pv_costs": ("Contante waarde kosten", "Present value of costs"),
    "pv_benefits": ("Contante waarde baten", "Present value of benefits"),
    "npv": ("Saldo (netto contante waarde)", "Net present value"),
    "bcr": ("Baten per geïnvesteerde euro", "Benefit-cost ratio"),
    "net_return": ("Maatschappelijk rendement", "Net social return"),
    "payback_year": ("Terugverdienjaar", "Payback year"),
    "irr": ("Interne rentevoet", "Internal rate of return"),
    "volunteer_value_pv": ("Gekapitaliseerde vrijwillige inzet", "Capitalised volunteer value"),
    "stakeholder": ("Partij", "Stakeholder"),
    "public": ("Publiek", "Public"),
    "fiscal": ("Fiscaal (publieke partijen)", "Fiscal (public stakeholders)"),
    "society": ("Maatschappij (totaal)", "Society (total)"),
    "who_pays": ("Wie betaalt, wie profiteert", "Who pays, who benefits"),
    "discount_rate": ("discontovoet", "discount rate"),
    "price_year": ("Prijspeil", "Price year"),
    "prices_in": ("prijspeil", "prices of"),
    "base_year": ("Basisjaar", "Base year"),
    "year": ("Jaar", "Year"),
    "costs": ("Kosten", "Costs"),
    "benefits": ("Baten", "Benefits"),
    "net_flow": ("Netto kasstroom", "Net flow"),
    "discount_factor": ("Disconteringsfactor", "Discount factor"),
    "discounted_net_flow": ("Contante netto kasstroom", "Discounted net flow"),
    "cumulative_discounted": ("Cumulatief contant", "Cumulative discounted"),
    "defaults_used": ("Gebruikte standaardwaarden", "Defaults used"),
    "pricelist": ("Prijslijst", "Price list"),
    "scenario": ("Scenario", "Scenario"),
    "none": ("geen", "none"),
    "line": ("Regel", "Line"),
}


def label(key: str, lang: str = "nl") -> str:
    """The label of ``key`` in ``lang`` ('nl' or 'en'); the key itself when unknown."""
    pair = LABELS.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]
