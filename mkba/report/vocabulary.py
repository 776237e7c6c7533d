"""Labels for reports, workbooks and the terminal: Dutch by default, English on request.

:data:`LABELS` maps a key to its (Dutch, English) pair; :func:`label` looks one up.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from mkba.pricelist.units import UNIT_NAMES
from mkba.report import numbers
from mkba.scenario.fields import label_for
from mkba.sib.labels import no_break_even

if TYPE_CHECKING:
    from mkba.engine.model import UsedDefault

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
    # -- price lists on the command line (mkba pricelist list, show, diff) ---------------------------------
    "pl_name": ("Naam", "Name"),
    "pl_versions": ("Versies", "Versions"),
    "pl_newest": ("Nieuwste", "Newest"),
    "pl_folder": ("Map", "Folder"),
    "pl_items": ("prijs|prijzen", "item|items"),
    "pl_id": ("Id", "Id"),
    "pl_label": ("Omschrijving", "Description"),
    "pl_unit": ("Eenheid", "Unit"),
    "pl_amount": ("Bedrag", "Amount"),
    "pl_price_year": ("Prijsjaar", "Price year"),
    "pl_payer": ("Betaler", "Payer"),
    "pl_nature": ("Aard", "Nature"),
    "pl_confidence": ("Zekerheid (1-5)", "Confidence (1-5)"),
    "pl_nature_resource": ("middelen", "resource"),
    "pl_nature_transfer": ("overdracht", "transfer"),
    "pl_status": ("Status", "Status"),
    # the fields of a price item, as `mkba pricelist diff` names what changed
    "pl_field_label": ("omschrijving", "description"),
    "pl_field_label_en": ("Engelse omschrijving", "English description"),
    "pl_field_unit": ("eenheid", "unit"),
    "pl_field_amount": ("bedrag", "amount"),
    "pl_field_price_year": ("prijsjaar", "price year"),
    "pl_field_low": ("ondergrens", "low"),
    "pl_field_high": ("bovengrens", "high"),
    "pl_field_payer": ("betaler", "payer"),
    "pl_field_nature": ("aard", "nature"),
    "pl_field_recipient": ("ontvanger", "recipient"),
    "pl_field_category": ("categorie", "category"),
    "pl_field_kind": ("soort", "kind"),
    "pl_field_confidence": ("zekerheid", "confidence"),
    "pl_field_source": ("bron", "source"),
    "pl_field_code": ("code", "code"),
    "pl_field_note": ("toelichting", "note"),
    "pl_changed": ("Gewijzigd", "Changed"),
    "pl_amount_a": ("Bedrag A", "Amount A"),
    "pl_year_a": ("Jaar A", "Year A"),
    "pl_amount_b": ("Bedrag B", "Amount B"),
    "pl_year_b": ("Jaar B", "Year B"),
    "pl_nominal": ("Nominaal", "Nominal"),
    "pl_real": ("Reëel", "Real"),
    "pl_status_added": ("nieuw", "added"),
    "pl_status_removed": ("vervallen", "removed"),
    "pl_status_changed": ("gewijzigd", "changed"),
    "pl_status_unchanged": ("ongewijzigd", "unchanged"),
    # -- mkba check, batch, pricelist import/export ------------------------------------------------------
    "ck_scenario": ("scenario, {lines}, {uncertain}", "scenario, {lines}, {uncertain}"),
    "ck_project": ("project, nulalternatief: {baseline}, {n}", "project, baseline: {baseline}, {n}"),
    "n_lines": ("regel|regels", "line|lines"),
    "n_uncertain": ("onzekere invoerwaarde|onzekere invoerwaarden", "uncertain input|uncertain inputs"),
    "n_alternatives": ("alternatief|alternatieven", "alternative|alternatives"),
    "ck_pricelist": ("prijslijst", "price list"),
    "ck_mapping": ("kolomindeling", "column mapping"),
    "ck_index": ("prijsindex", "price index"),
    "ck_table": ("geëxporteerde tabel", "exported table"),
    "ck_shadows": ("let op: {ref}: {used} gaat voor {shadowed}", "note: {ref}: {used} shadows {shadowed}"),
    "ck_written_items": ("{items} -> {output}", "{items} -> {output}"),
    "ck_written_batch": ("{variants}, {figures} -> {output}", "{variants}, {figures} -> {output}"),
    "n_variants": ("variant|varianten", "variant|variants"),
    "n_figures": ("kengetal|kengetallen", "figure|figures"),
    # -- what a command wrote (the command line) ------------------------------------------------------
    "written_chart": ("grafiek", "chart"),
    "unc_more": ("... en nog {n}", "... {n} more"),
    "written_workbook": ("werkmap", "workbook"),
    "written_json": ("JSON", "JSON"),
    "written_report": ("rapport", "report"),
    "written_pdf": ("PDF", "PDF"),
    # -- Excel workbook (mkba.report.excel.workbook) -------------------------------------------------------
    "xl_sheet_summary": ("Samenvatting", "Summary"),
    "xl_sheet_inputs": ("Uitgangspunten", "Inputs"),
    "xl_sheet_prices": ("Prijslijst", "Prices"),
    "xl_sheet_index": ("Index", "Index"),
    "xl_sheet_flows": ("Kasstromen", "Cashflows"),
    "xl_na": ("n.v.t.", "n/a"),
    "xl_from_core": ("waarde uit mkba, geen formule", "value from mkba, not a formula"),
    "xl_figure": ("Kengetal", "Figure"),
    "xl_value": ("Waarde", "Value"),
    "xl_explanation": ("Toelichting", "Explanation"),
    "xl_name": ("Naam (gedefinieerd)", "Defined name"),
    "xl_part": ("Onderdeel", "Part"),
    "xl_parameter": ("Parameter", "Parameter"),
    "xl_general": ("algemeen", "general"),
    "xl_participants": ("Nieuwe deelnemers", "New participants"),
    "xl_stakeholders": ("Partijen", "Stakeholders"),
    "xl_public_flag": ("Publiek (1 = ja)", "Public (1 = yes)"),
    "xl_transfer_flag": ("Overdracht (1 = ja)", "Transfer (1 = yes)"),
    "xl_lines": ("Regels en hun parameters", "Lines and their parameters"),
    "xl_provenance": ("Herkomst", "Provenance"),
    "xl_item": ("Prijsitem", "Price item"),
    "xl_label": ("Omschrijving", "Description"),
    "xl_id": ("Id", "Id"),
    "xl_field": ("Veld in het bestand", "Field in the file"),
    "xl_unit": ("Eenheid", "Unit"),
    "xl_amount": ("Bedrag (invoer)", "Amount (input)"),
    "xl_item_price_year": ("Prijsjaar", "Price year"),
    "xl_index_item": ("Index prijsjaar", "Index of price year"),
    "xl_index_target": ("Index prijspeil", "Index of result price year"),
    "xl_index_factor": ("Indexfactor", "Index factor"),
    "xl_indexed": ("Bedrag geïndexeerd", "Indexed amount"),
    "xl_payer": ("Betaler", "Payer"),
    "xl_nature": ("Aard", "Nature"),
    "xl_recipient": ("Ontvanger", "Recipient"),
    "xl_confidence": ("Betrouwbaarheid (1-5)", "Confidence (1-5)"),
    "xl_source": ("Bron", "Source"),
    "xl_url": ("Adres", "URL"),
    "xl_where": ("Vindplaats", "Where in the source"),
    "xl_uncertainty": ("Onzekerheid", "Uncertainty"),
    "xl_origin": ("Herkomst", "Origin"),
    "xl_index_value": ("Indexwaarde", "Index value"),
    "xl_assumed": ("aangenomen inflatie", "assumed inflation"),
    "xl_gross": ("Bruto bedrag per regel", "Gross amount per line"),
    "xl_postings": ("Geboekt per partij", "Booked per stakeholder"),
    "xl_totals": ("Totalen per jaar", "Totals per year"),
    "xl_multiplier": ("Factor per eenheid", "Factor per unit"),
    "xl_kind": ("Soort", "Kind"),
    "xl_pv": ("Contante waarde", "Present value"),
    "xl_pv_pos": ("CW baten", "PV benefits"),
    "xl_pv_neg": ("CW kosten", "PV costs"),
    "xl_costs_excl": ("Kosten (zonder overdrachten)", "Costs (without transfers)"),
    "xl_benefits_excl": ("Baten (zonder overdrachten)", "Benefits (without transfers)"),
    "xl_reached_zero": ("Jaar met cumulatief >= 0 (hulprij)", "Year with cumulative >= 0 (helper)"),
    "xl_sign": ("Teken netto kasstroom (hulprij)", "Sign of net flow (helper)"),
    "xl_sign_change": ("Tekenwisseling (hulprij)", "Sign change (helper)"),
    "xl_start_year": ("Startjaar", "Start year"),
    "xl_horizon": ("Looptijd (jaren)", "Horizon (years)"),
    "xl_end_year": ("Eindjaar", "End year"),
    "xl_assumed_inflation": ("Aangenomen inflatie buiten de index", "Assumed inflation beyond the index"),
    "xl_price_index": ("Prijsindex", "Price index"),
    "xl_pricelist_name": ("Prijslijst: naam", "Price list: name"),
    "xl_pricelist_version": ("Prijslijst: versie", "Price list: version"),
    "xl_pricelist_hash": ("Prijslijst: hash (sha256)", "Price list: hash (sha256)"),
    "xl_scenario_name": ("Scenario: naam", "Scenario: name"),
    "xl_scenario_file": ("Scenario: bestand", "Scenario: file"),
    "xl_scenario_hash": ("Scenario: hash (sha256)", "Scenario: hash (sha256)"),
    "xl_mkba_version": ("mkba-versie", "mkba version"),
    "xl_participants_row": ("Nieuwe deelnemers", "New participants"),
    "xl_no_sign_change": ("n.v.t. (geen tekenwisseling)", "n/a (no sign change)"),
    # the IRR cell's text: its last word fits the figure's narrow column ("tekenwisselingen)" broke before ")")
    "xl_irr_several": ("n.v.t. (meer dan één tekenwisseling)", "n/a (several sign changes)"),
    "xl_dist_triangular": (
        "driehoek: laag {low}, meest waarschijnlijk {mode}, hoog {high}",
        "triangular: low {low}, most likely {mode}, high {high}",
    ),
    "xl_dist_pert": (
        "PERT: laag {low}, meest waarschijnlijk {mode}, hoog {high}",
        "PERT: low {low}, most likely {mode}, high {high}",
    ),
    "xl_dist_uniform": ("uniform tussen {low} en {high}", "uniform between {low} and {high}"),
    "xl_dist_normal": (
        "normaal met gemiddelde {mean} en standaardafwijking {sd}",
        "normal with mean {mean} and standard deviation {sd}",
    ),
    "xl_dist_clip": (", afgekapt tussen {low} en {high}", ", censored between {low} and {high}"),
    "xl_dist_beta": ("bèta met a = {a} en b = {b}", "beta with a = {a} and b = {b}"),
    "xl_mean_of": (
        "verdeling; het werkblad rekent met het gemiddelde",
        "distribution; the workbook uses its mean",
    ),
    "xl_chart_net": ("Netto kasstroom per jaar", "Net flow per year"),
    "xl_chart_stakeholders": (
        "Kosten en baten per partij (contante waarde)",
        "Costs and benefits per stakeholder (present value)",
    ),
    "xl_note_flows": (
        "Bedragen in euro, prijspeil {py}. Disconteringsfactor DF = (1 + discontovoet) ^ -(jaar - basisjaar): het basisjaar wordt niet verdisconteerd (anders dan Excels NPV). Baten positief, kosten negatief.",
        "Amounts in euro, prices of {py}. Discount factor DF = (1 + discount rate) ^ -(year - base year): the base year is not discounted (unlike Excel's NPV). Benefits positive, costs negative.",
    ),
    "xl_note_inputs": (
        "Blauwe cellen zijn invoer: wijzig ze en alle cijfers rekenen mee.",
        "Blue cells are inputs: change them and every figure follows.",
    ),
    "xl_no_price_items": (
        "Geen prijsposten uit de prijslijst gebruikt: elke regel noemt zijn eigen bedrag.",
        "No price items of the price list used: every line states its own amount.",
    ),
    # -- Social Impact Bonds (mkba sib) ------------------------------------------------------
    "sib_outcome_level": ("Uitkomstniveau", "Outcome level"),
    "sib_outcome_payments": ("Uitkomstbetalingen", "Outcome payments"),
    "sib_investment": ("Investering", "Investment"),
    "sib_investor": ("Investeerder", "Investor"),
    "sib_investors": ("Investeerders", "Investors"),
    "sib_investors_receive": ("Investeerders ontvangen", "Investors receive"),
    "sib_investor_irr": ("Rendement investeerders (IRR)", "Investor IRR"),
    "sib_investor_multiple": ("Terugbetaald per geïnvesteerde {cur}", "Investor multiple"),
    "sib_investor_multiple_min": ("Laagste terugbetaling per {cur}", "Lowest multiple"),
    "sib_floor_top_up": ("Aanvulling tot de bodem", "Floor top-up"),
    "sib_beyond_cap": ("Boven het rendementsplafond", "Beyond the return cap"),
    "sib_beyond_return_cap": ("Boven plafond", "Beyond cap"),
    "sib_payer_pv_savings": ("Vermeden kosten betaler (cw)", "Payer's avoided costs (PV)"),
    "sib_payer_pv_payments": ("Betalingen betaler (cw)", "Payer's payments (PV)"),
    "sib_payer_net_savings": ("Netto besparing betaler (cw)", "Payer's net savings (PV)"),
    "sib_payer_payments": ("Betalingen betaler", "Payer's payments"),
    "payer_break_even": ("Omslagpunt betaler bij", "Payer break-even at"),
    "sib_schedule": ("Betaalschema ({cur})", "Payment schedule ({cur})"),
    "sib_provider_costs": ("Kosten uitvoerder", "Provider costs"),
    "sib_provider": ("Uitvoerder", "Provider"),
    "sib_to_provider": ("Naar uitvoerder", "To provider"),
    "sib_due": ("Verschuldigd", "Due"),
    "sib_payer_pays": ("Betaler betaalt", "Payer pays"),
    "sib_payer_avoids": ("Betaler vermijdt", "Payer avoids"),
    "sib_payer_avoids_in": ("Betaler vermijdt ({cur})", "Payer avoids ({cur})"),
    "sib_amounts_in": ("bedragen in {cur}", "amounts in {cur}"),
    "sib_cohorts": ("Verschuldigd per cohort ({cur})", "Due per cohort ({cur})"),
    "sib_parties": ("Per partij (betaald -, ontvangen +) ({cur})", "Per party (pays -, receives +) ({cur})"),
    "sib_total": ("Totaal", "Total"),
    "sib_shortfall": ("tekort", "shortfall"),
    "sib_assumptions": ("Aannames in het contract", "Contract assumptions"),
    "sib_simulation": ("Simulatie", "Simulation"),
    "sib_mean": ("Verwacht", "Expected"),
    "sib_p_investor_loss": ("Kans op verlies investeerders", "P(investors lose money)"),
    "sib_p_payer_pays_more_than_saves": (
        "Kans dat de betaler meer betaalt dan hij bespaart",
        "P(payer pays more than it saves)",
    ),
    "sib_p_floor_used": ("Kans dat de bodem wordt aangesproken", "P(floor used)"),
    "sib_p_guarantee_called": ("Kans dat de garantie betaalt", "P(guarantee pays)"),
    "sib_expected_guarantee_paid": ("Verwachte betaling garantie", "Expected guarantee payment"),
    "sib_zone_floor": ("Bodem betaalt (verlies begrensd)", "Floor pays (loss limited)"),
    "sib_zone_guarantee": ("Garantie betaalt (verlies begrensd)", "Guarantee pays (loss limited)"),
    "sib_investors_break_even": ("Omslagpunt investeerders", "Investors' break-even"),
    "sib_zone_loss": ("Investeerders verliezen", "Investors lose money"),
    "sib_zone_gain": ("Investeerders winnen", "Investors gain"),
    "sib_zone_capped": ("Rendementsplafond bereikt", "Return cap reached"),
    "sib_payer_avoids_pv": ("Vermeden kosten betaler (cw)", "Payer's avoided costs (PV)"),
    "sib_money_axis": ("Bedrag in {cur}", "Amount in {cur}"),
    "sib_expected": ("verwacht", "expected"),
    "sib_payer_keeps": ("Houdt betaler (investeerders heel)", "Payer keeps (investors whole)"),
    "sib_guarantees_paid": ("Betaald uit garanties", "Paid by guarantees"),
    "sib_investor_break_even": ("Omslagpunt investeerders bij", "Investors' break-even at"),
    "sib_guarantee_by": (
        "Garantie van {guarantor} voor {covers}",
        "Guarantee by {guarantor} covering {covers}",
    ),
    "sib_guarantee_paid": ("Betaald uit de garantie van {guarantor}", "Paid by the guarantee of {guarantor}"),
    "sib_guarantee_steps": ("oplopend met de investering: {steps}", "rising with the investment: {steps}"),
    "sib_guarantee_from": ("vanaf {period} {amount}", "from {period} {amount}"),
    "sib_p_total_loss": (
        "Kans op totaal verlies investeerders (IRR -100 %)",
        "P(investors lose all, IRR -100%)",
    ),
    "sib_investor_irr_without_total_losses": (
        "Rendement zonder totaal verlies (IRR)",
        "Investor IRR without total losses",
    ),
    "sib_exchange_rate": ("wisselkoers", "exchange rate"),
    "sib_exchange_rate_value": ("{rate} euro per {cur}", "{rate} euro per {cur}"),
    "sib_part_once_investors_whole": (
        "Verdeling zodra de investeerders heel zijn",
        "Split once the investors are whole",
    ),
    "xl_stated_price_year": (
        "niet opgegeven: het prijspeil van het scenario",
        "not given: the scenario's price year",
    ),
    "xl_p_quantity": ("Hoeveelheid", "Quantity"),
    "xl_p_amount": ("Bedrag", "Amount"),
    "xl_p_price": ("Prijs", "Price"),
    "xl_p_success": ("Succes", "Success"),
    "xl_p_deadweight": ("Deadweight (was toch gebeurd)", "Deadweight"),
    "xl_p_attribution": ("Attributie", "Attribution"),
    "xl_p_displacement": ("Verdringing", "Displacement"),
    "xl_p_optimism_bias": ("Optimisme-correctie", "Optimism bias"),
    "xl_p_drop_off": ("Drop-off per jaar", "Drop-off per year"),
    "xl_p_lag": ("Vertraging (jaren)", "Lag (years)"),
    "xl_p_duration": ("Duur (jaren)", "Duration (years)"),
    "xl_p_first_year": ("Eerste jaar", "First year"),
    "xl_p_last_year": ("Laatste jaar", "Last year"),
    "xl_p_unit_factor": ("Eenheidsfactor", "Unit factor"),
    "xl_p_hours": ("Uren", "Hours"),
    "xl_p_value": ("Waarde per uur", "Value per hour"),
    "xl_p_per": ("Per", "Per"),
    "xl_p_as": ("Telt als", "Counts as"),
    "xl_p_beneficiary": ("Begunstigde", "Beneficiary"),
    "xl_def_pv_costs": (
        "som van de contante waarden van alle kosten, zonder overdrachten",
        "sum of the present values of all costs, transfers left out",
    ),
    "xl_def_pv_benefits": (
        "som van de contante waarden van alle baten, zonder overdrachten",
        "sum of the present values of all benefits, transfers left out",
    ),
    "xl_def_npv": ("contante waarde baten - contante waarde kosten", "PV of benefits - PV of costs"),
    "xl_def_bcr": ("contante waarde baten / contante waarde kosten", "PV of benefits / PV of costs"),
    "xl_def_net_return": ("saldo / contante waarde kosten", "NPV / present value of costs"),
    "xl_def_payback_year": (
        "eerste jaar waarin de cumulatieve contante netto kasstroom >= 0 is",
        "first year in which the cumulative discounted net flow is >= 0",
    ),
    "xl_def_irr": (
        "rentevoet waarbij de contante waarde van de netto kasstromen nul is (IRR over de rij netto kasstroom; dezelfde voet voor elk basisjaar)",
        "rate at which the yearly net flows' NPV is zero (IRR over the net flow row; the same rate whatever the base year)",
    ),
    "xl_def_volunteer_value_pv": (
        "contante waarde van alle vrijwilligersregels, hoe ze ook geboekt zijn",
        "present value of all volunteer lines, however they are booked",
    ),
    # -- Excel: SIB sheet (mkba.report.excel.sib) ------------------------------------------------------
    "xl_sheet_sib": ("SIB", "SIB"),
    "xl_sib_title": ("Social Impact Bond", "Social Impact Bond"),
    "xl_sib_note": (
        "Blauwe cellen zijn invoer. Betalingen per regel, schema, plafond, aandeel uitvoerder, bodem, kasstromen, IRR en besparing zijn formules van het uitkomstniveau (sib_outcome_level); de waterval naar de investeerders en wat boven het rendementsplafond valt zijn waarden uit mkba, geen formule.",
        "Blue cells are inputs. Rule payments, schedule, cap, provider share, floor, cash flows, IRR and savings are formulas of the outcome level (sib_outcome_level); the waterfall to the investors and what goes beyond the return cap are values from mkba, not formulas.",
    ),
    "xl_sib_figures": ("Kerngetallen SIB", "SIB figures"),
    "xl_sib_terms": ("Contractvoorwaarden", "Contract terms"),
    "xl_sib_outcomes": ("Uitkomsten", "Outcomes"),
    "xl_sib_rules": ("Betalingsregels ({cur})", "Payment rules ({cur})"),
    "xl_sib_investors": ("Investeerders ({cur})", "Investors ({cur})"),
    "xl_sib_schedule": ("Betaalschema per jaar ({cur})", "Payment schedule per year ({cur})"),
    "xl_sib_schedule_dated": (
        "Betaalschema per betaaldatum ({cur})",
        "Payment schedule per payment date ({cur})",
    ),
    "xl_sib_exchange_rate": ("Wisselkoers (euro per {cur})", "Exchange rate (euro per {cur})"),
    "xl_sib_exchange_rate_eur": (
        "Wisselkoers (het contract is in euro)",
        "Exchange rate (the contract is in euro)",
    ),
    "xl_sib_waterfall": ("Waterval per investeerder ({cur})", "Waterfall per investor ({cur})"),
    "xl_sib_flows": ("Kasstromen investeerders ({cur})", "Investor cash flows ({cur})"),
    "xl_sib_payer": (
        "Betaler: betalingen tegenover vermeden kosten ({cur})",
        "Payer: payments against avoided costs ({cur})",
    ),
    "xl_sib_payer_mixed": (
        "Betaler: betalingen tegenover vermeden kosten (betalingen in {cur}, vermeden kosten in euro)",
        "Payer: payments against avoided costs (payments in {cur}, avoided costs in euro)",
    ),
    "xl_sib_outcome_payer": ("Uitkomstbetaler", "Outcome payer"),
    "xl_sib_provider_share": ("Aandeel uitvoerder in elke betaling", "Provider's share of each payment"),
    "xl_sib_max_outcome_payment": ("Plafond uitkomstbetalingen (totaal)", "Cap on outcome payments (total)"),
    "xl_sib_max_return": ("Rendementsplafond (IRR per jaar)", "Return cap (IRR per year)"),
    "xl_sib_beyond": ("Boven het rendementsplafond", "Beyond the return cap"),
    "xl_sib_max_loss": (
        "Maximaal verlies (bodem = (1 - maximaal verlies) x investering)",
        "Maximum loss (floor = (1 - maximum loss) x investment)",
    ),
    "xl_sib_max_loss_paid_by": ("Bodem betaald door", "Floor paid by"),
    "xl_sib_price_year": ("Prijspeil contract", "Contract price year"),
    "xl_sib_index_factor": (
        "Indexfactor prijspeil berekening → prijspeil contract",
        "Index factor run prices -> contract prices",
    ),
    "xl_sib_none": ("geen", "none"),
    "xl_sib_seniority": ("Rang (1 = meest senior)", "Rank (1 = most senior)"),
    "xl_sib_floor": ("Bodem", "Floor"),
    "xl_sib_expected_level": ("Verwacht niveau", "Expected level"),
    "xl_sib_level_input": ("Niveau (invoer)", "Level (input)"),
    "xl_sib_reference_level": ("Referentieniveau effectregels", "Reference level of the effect lines"),
    "xl_sib_participants": ("Deelnemers gemeten", "Participants measured"),
    "xl_sib_rule": ("Regel", "Rule"),
    "xl_sib_price": ("Prijs", "Price"),
    "xl_sib_threshold": ("Drempel", "Threshold"),
    "xl_sib_up_to": ("Tot niveau", "Up to level"),
    "xl_sib_level": ("Niveau", "Level"),
    "xl_sib_amount": ("Bedrag", "Amount"),
    "xl_sib_pp_cap": ("Plafond per deelnemer", "Cap per participant"),
    "xl_sib_cap": ("Plafond", "Cap"),
    "xl_sib_payment": ("Betaling", "Payment"),
    "xl_sib_band_level": ("Band: niveau", "Band: level"),
    "xl_sib_band_amount": ("Band: {cur}", "Band: {cur}"),
    "xl_sib_band_point": ("punt", "point"),
    "xl_sib_rule_total": ("Totaal regels", "Rules total"),
    "xl_sib_share": ("Aandeel gemeten en betaald", "Share measured and paid"),
    "xl_sib_cum_share": ("Cumulatief aandeel", "Cumulative share"),
    "xl_sib_cum_rounded": ("Cumulatief, afgerond op centen", "Cumulative, rounded to cents"),
    "xl_sib_due_outcome": ("Verschuldigd", "Due"),
    "xl_sib_room": ("Ruimte onder het plafond", "Room under the cap"),
    "xl_sib_payable": ("Te betalen (na plafond)", "Payable (after the cap)"),
    "xl_sib_share_provider": ("Aandeel uitvoerder", "Provider's share"),
    "xl_sib_pool": ("Voor investeerders", "For investors"),
    "xl_sib_made": ("Uitkomstbetalingen gedaan", "Outcome payments made"),
    "xl_sib_check": (
        "Controle: voor investeerders - ontvangen - boven plafond (0 bij de waarden uit mkba)",
        "Check: for investors - received - beyond cap (0 with the values from mkba)",
    ),
    "xl_sib_top_up": ("Aanvulling tot de bodem", "Top-up to the floor"),
    "xl_sib_savings_base": ("Vermeden kosten bij referentieniveau", "Avoided costs at the reference level"),
    "xl_sib_savings": ("Vermeden kosten bij het niveau", "Avoided costs at the level"),
    "xl_sib_irr": ("IRR", "IRR"),
    "xl_sib_multiple": ("Terug per geïnvesteerde {cur}", "Multiple"),
    "rule_rate_card": ("tarief per uitkomst", "rate card"),
    "rule_linear": ("lineair", "linear"),
    "rule_threshold": ("drempel", "threshold"),
    "rule_bands": ("schijven", "bands"),
    "beyond_payer_keeps": ("de betaler houdt het", "the payer keeps it"),
    "beyond_provider": ("naar de uitvoerder", "to the provider"),
    "xl_sib_all_investors": ("Alle investeerders", "All investors"),
    "xl_sib_pv": ("Contante waarde", "Present value"),
    "xl_sib_break_even": (
        "Omslagpunt: uitkomstniveau waarbij de betaler quitte speelt",
        "Payer's break-even outcome level",
    ),
    "xl_sib_outcome_payments_due": ("Uitkomstbetalingen verschuldigd", "Outcome payments due"),
    "xl_sib_payer_savings_total": ("Vermeden kosten betaler (nominaal)", "Payer's avoided costs (nominal)"),
    "xl_sib_formula": ("formule", "formula"),
    # -- Excel: sensitivity sheet (mkba.report.excel.sensitivity) ----------------------------------------
    "xl_sheet_sensitivity": ("Gevoeligheid", "Sensitivity"),
    "xl_sens_title": ("Gevoeligheid en onzekerheid", "Sensitivity and uncertainty"),
    "xl_sens_note": (
        "Alle getallen op dit blad zijn waarden uit mkba, geen formules: ze zijn berekend over vele doorrekeningen van het model (elke onzekere invoer laag en hoog, trekkingen, een zoektocht naar het nulpunt).",
        "Every number on this sheet is a value from mkba, not a formula: they come from many evaluations of the model (each uncertain input low and high, draws, a search for the zero).",
    ),
    "xl_sens_tornado": (
        "Tornado: saldo bij laag en hoog, de rest op basis",
        "Tornado: NPV at low and high, the rest at base",
    ),
    "xl_sens_input": ("Invoer", "Input"),
    "xl_sens_label": ("Omschrijving", "Label"),
    "xl_sens_dist": ("Verdeling", "Distribution"),
    "xl_sens_base": ("Basis", "Base"),
    "xl_sens_low": ("Laag", "Low"),
    "xl_sens_high": ("Hoog", "High"),
    "xl_sens_npv_low": ("Saldo bij laag", "NPV at low"),
    "xl_sens_npv_high": ("Saldo bij hoog", "NPV at high"),
    "xl_sens_swing": ("Bereik", "Swing"),
    "xl_sens_d_low": ("Verschil bij laag", "Change at low"),
    "xl_sens_d_high": ("Verschil bij hoog", "Change at high"),
    "xl_sens_npv_base": ("Saldo (basis)", "NPV (base)"),
    "xl_sens_chart": ("Tornado: verandering van het saldo", "Tornado: change of the NPV"),
    "xl_sens_mc": ("Monte Carlo", "Monte Carlo"),
    "xl_sens_n": ("Trekkingen (n)", "Draws (n)"),
    "xl_sens_seed": ("Startgetal (seed)", "Seed"),
    "xl_sens_method": ("Methode", "Method"),
    "xl_sens_figure": ("Kengetal", "Figure"),
    "xl_sens_mean": ("Gemiddelde", "Mean"),
    "xl_sens_sd": ("Standaardafwijking", "Standard deviation"),
    "xl_sens_p_negative": ("Kans op saldo < 0", "P(NPV < 0)"),
    "xl_sens_point_npv": ("Saldo puntschatting", "Point NPV"),
    "xl_sens_break_even": (
        "Omslagpunt: waarde van de invoer waarbij het saldo 0 is",
        "Break-even: value of the input at which the NPV is 0",
    ),
    "xl_sens_value": ("Omslagwaarde", "Break-even value"),
    "xl_sens_range": ("Zoekbereik", "Range searched"),
    "xl_sens_range_basis": ("Herkomst bereik", "Range basis"),
    "xl_sens_npv_at_low": ("Saldo bij ondergrens", "NPV at the low end"),
    "xl_sens_npv_at_high": ("Saldo bij bovengrens", "NPV at the high end"),
    "xl_sens_note_col": ("Toelichting", "Note"),
    "xl_sens_stakeholder": ("Saldo", "NPV"),
    # -- uncertainty (mkba run --tornado/--simulate/--break-even) -----------------------------
    "unc_point": (
        "Puntschatting: elke onzekere invoer op zijn gemiddelde ({inputs})",
        "Point result: every uncertain input at its mean ({inputs})",
    ),
    "unc_simulation": (
        "Monte Carlo: {n} trekkingen (startgetal {seed})",
        "Monte Carlo: {n} draws (seed {seed})",
    ),
    "unc_figure": ("Kengetal", "Figure"),
    "unc_mean": ("Gemiddelde", "Mean"),
    "unc_p_negative": ("Kans op negatief saldo", "Probability that NPV < 0"),
    "unc_stakeholder_npv": ("Saldo per partij", "Net present value per stakeholder"),
    "unc_tornado_none": (
        "Gevoeligheid (tornado): er is geen onzekere invoer om te variëren",
        "One-way sensitivity (tornado): there is no uncertain input to vary",
    ),
    "unc_tornado": (
        "Gevoeligheid (tornado): saldo bij laag en hoog, rest op basis",
        "One-way sensitivity (tornado): NPV at low and high, the rest at base",
    ),
    "unc_input": ("Invoer", "Input"),
    "unc_low": ("Laag", "Low"),
    "unc_high": ("Hoog", "High"),
    "unc_npv_low": ("Saldo bij laag", "NPV at low"),
    "unc_npv_high": ("Saldo bij hoog", "NPV at high"),
    "unc_swing": ("Bereik", "Swing"),
    "unc_break_even": ("Omslagpunt", "Break-even"),
    "unc_none_uncertain": ("geen onzekere invoer", "no uncertain inputs"),
    "unc_draws_equal": (
        "Elke trekking is gelijk: geen invoer van het scenario heeft een verdeling. Geef een aantal, kans "
        "of bedrag een verdeling ({dist: pert, low: ..., mode: ..., high: ...}) om de spreiding te zien.",
        "Every draw is the same: no input of the scenario has a distribution. Give a quantity, share or "
        "amount a distribution ({dist: pert, low: ..., mode: ..., high: ...}) to see the spread.",
    ),
    "unc_draws_equal_sib": (
        "Het saldo van de MKBA is in elke trekking gelijk: geen invoer van het scenario heeft een verdeling. "
        "De uitkomstniveaus van het SIB-contract worden wel getrokken: zie {command} "
        "of het rapport (mkba report --simulate).",
        "The CBA's net present value is the same in every draw: no input of the scenario has a distribution. "
        "The SIB contract's outcome levels are drawn: see {command} "
        "or the report (mkba report --simulate).",
    ),
    "xl_sib_pointer": (
        "SIB-contract: deze simulatie trekt alleen de invoer van de MKBA. De simulatie van de uitkomstniveaus "
        "van het contract (kans op verlies investeerders, kans dat de bodem wordt aangesproken, percentielen "
        "van de IRR van de investeerders) staat niet in dit werkboek: zie {command} "
        "(of mkba report met --simulate, onderdeel Simulatie).",
        "SIB contract: this simulation draws only the inputs of the SCBA. The simulation of the contract's "
        "outcome levels (chance of a loss to the investors, chance that the floor is called on, the "
        "investors' IRR percentiles) is not in this workbook: run {command} "
        "(or mkba report with --simulate, section Simulation).",
    ),
    "unc_range": ("bereik", "range"),
    # -- charts (mkba run --plots) ----------------------------------------------------------
    "plot_yearly_title": (
        "Kosten en baten per jaar (zonder overdrachten)",
        "Costs and benefits per year (without transfers)",
    ),
    "plot_stakeholders_title": (
        "Wie betaalt, wie profiteert (contante waarde)",
        "Who pays, who benefits (present value)",
    ),
    "plot_tornado_title": (
        "Gevoeligheid: saldo bij laag en hoog van elke onzekere invoer",
        "Sensitivity: NPV at the low and high of each uncertain input",
    ),
    "plot_histogram_title": (
        "Monte Carlo: verdeling van het saldo ({n} trekkingen)",
        "Monte Carlo: distribution of the NPV ({n} draws)",
    ),
    "plot_break_even_title": ("Omslagpunt: saldo tegen {name}", "Break-even: NPV against {name}"),
    "plot_draws": ("Aantal trekkingen", "Draws"),
    "chart_bars_below_zero": ("trekkingen onder € 0", "draws below € 0"),
    "chart_bars_zero_or_more": ("trekkingen van € 0 of meer", "draws of € 0 or more"),
    "chart_zero_line": ("lijn bij € 0", "line at € 0"),
    "plot_euro": ("euro", "euro"),
    "plot_low": ("laag", "low"),
    "plot_high": ("hoog", "high"),
    "plot_point": ("puntschatting", "point result"),
    "plot_mean": ("gemiddelde", "mean"),
    "plot_p_negative": ("P(saldo < 0) = {p}", "P(NPV < 0) = {p}"),
    "plot_npv_zero": ("saldo = 0", "NPV = 0"),
    "chart_n_draws": ("{n} trekkingen", "{n} draws"),
    "n_draws": ("trekking|trekkingen", "draw|draws"),
    "rp_all": ("alle", "all"),
    "plot_p5_p95": ("5e-95e percentiel", "5th-95th percentile"),
    "plot_cumulative": ("Cumulatief contant saldo", "Cumulative discounted net flow"),
    # -- the overview table and projects (docs/method.md, section 8) --------------------------------
    "overview": ("MKBA-overzichtstabel", "CBA overview table"),
    # "line" is taken ("Regel": a cost, effect or volunteer line of a scenario, as in the workbook)
    "overview_line": ("Post", "Line"),
    "pv": ("Contante waarde", "Present value"),
    "total": ("Totaal", "Total"),
    "pm": ("PM", "PM"),
    "pm_posts": (
        "PM-posten (niet in geld uitgedrukt, niet opgeteld)",
        "PM items (not in money, never summed)",
    ),
    "direction": ("Richting", "Direction"),
    "size": ("Omvang", "Size"),
    "dir_positive": ("positief", "positive"),
    "dir_negative": ("negatief", "negative"),
    "dir_uncertain": ("onzeker", "uncertain"),
    "per_once": ("eenmalig", "once"),
    "per_year": ("per jaar", "per year"),
    "per_participant": ("per deelnemer", "per participant"),
    "per_contract": ("voor het hele contract", "for the whole contract"),
    "per_participant_year": ("per deelnemer per jaar", "per participant per year"),
    "xl_unit_note": (
        "1 jaar = 12 maanden = 52 weken = 365 dagen",
        "1 year = 12 months = 52 weeks = 365 days",
    ),
    "xl_drop_off_from": ("afname vanaf dit jaar", "drop-off from this year"),
    "kind_cost": ("kosten", "cost"),
    "kind_avoided_cost": ("vermeden kosten", "avoided cost"),
    "kind_benefit": ("baten", "benefit"),
    "kind_added_cost": ("extra kosten", "added cost"),
    "kind_in_kind_cost": ("inzet in natura", "in-kind cost"),
    "kind_memo": ("pro memorie", "memo"),
    "transfer_note": ("overdracht", "transfer"),
    "alternative": ("Alternatief", "Alternative"),
    "baseline": ("Nulalternatief", "Baseline"),
    "delta": ("Verschil met nulalternatief", "Difference from baseline"),
    "delta_npv": ("Saldo t.o.v. nulalternatief", "NPV against baseline"),
    "delta_pv_costs": ("Extra kosten (contant)", "Extra costs (PV)"),
    "delta_pv_benefits": ("Extra baten (contant)", "Extra benefits (PV)"),
    "delta_bcr": ("Extra baten per extra euro", "Incremental benefit-cost ratio"),
    "rank": ("Rang", "Rank"),
    "dominant": ("dominant", "dominant"),
    "dominant_text": (
        "{alt} is dominant: het kost niet meer dan het nulalternatief en levert niet minder op.",
        "{alt} is dominant: it costs no more than the baseline and yields no less.",
    ),
    "none_beats_baseline": (
        "Geen alternatief heeft een hoger saldo dan het nulalternatief.",
        "No alternative has a higher net present value than the baseline.",
    ),
    "ranking_text": ("Rangorde naar saldo t.o.v. het nulalternatief", "Ranking by NPV against the baseline"),
    "p_delta_positive": ("Kans saldo t.o.v. nulalternatief > 0", "P(NPV against baseline > 0)"),
    "p_best": ("Kans het beste alternatief", "P(best alternative)"),
    "paired_title": (
        "Monte Carlo, gepaard ({n} trekkingen, startgetal {seed}, dezelfde trekkingen voor elk alternatief)",
        "Monte Carlo, paired ({n} draws, seed {seed}, the same draws for every alternative)",
    ),
    # -- the Overzicht sheet and the project workbook (mkba.report.excel.overview, .project) ---------
    "xl_sheet_overview": ("Overzicht", "Overview"),
    "xl_sheet_compare": ("Vergelijking", "Comparison"),
    "xl_ov_note": (
        "Contante waarde per partij en in totaal, in euro van prijspeil {py}; baten positief, kosten negatief. Elk bedrag is een formule over het blad {flows}. Een overdracht valt in het totaal weg; pro memorie telt niet mee in het saldo; PM-posten staan onderaan en worden nooit opgeteld.",
        "Present value per stakeholder and in total, in euro of {py}; benefits positive, costs negative. Every amount is a formula over the sheet {flows}. A transfer cancels in the total; memo lines are not in the NPV; PM items are listed below and never summed.",
    ),
    "xl_ov_group_cost": ("Kosten", "Costs"),
    "xl_ov_group_effect": ("Effecten", "Effects"),
    "xl_ov_group_volunteer": ("Vrijwillige inzet", "Volunteer input"),
    "xl_ov_subtotal": ("Subtotaal", "Subtotal"),
    "xl_ov_memo": ("Pro memorie (niet in saldo)", "Memo (not in the NPV)"),
    "xl_ov_check": ("Controle: volgens {sheet}", "Check: as on {sheet}"),
    "xl_cmp_note": (
        "Elk alternatief tegen het nulalternatief, in euro van prijspeil {py}. De bedragen zijn formules over de bladen van elk alternatief (voorvoegsel in kolom B): verander daar een invoer en de verschillen volgen.",
        "Each alternative against the baseline, in euro of {py}. The amounts are formulas over each alternative's sheets (prefix in column B): change an input there and the differences follow.",
    ),
    "xl_cmp_sheets": ("Bladen", "Sheets"),
    "xl_cmp_figures": ("Kengetallen per alternatief", "Figures per alternative"),
    "xl_cmp_stakeholders": ("Verschil per partij (saldo)", "Difference per stakeholder (NPV)"),
    "xl_cmp_lines": ("Verschil per post (contante waarde)", "Difference per line (present value)"),
    "xl_cmp_prefix_base": ("Nul", "Base"),
    # -- the HTML/PDF report (mkba report; mkba.report.html) ------------------------------------------
    "rp_title": ("Maatschappelijke kosten-batenanalyse", "Social cost-benefit analysis"),
    "rp_sec_summary": ("Samenvatting", "Summary"),
    "rp_sec_stakeholders": ("Per partij", "Per stakeholder"),
    "rp_sec_sources": ("Aannames en bronnen", "Assumptions and sources"),
    "rp_sec_sensitivity": ("Gevoeligheid", "Sensitivity"),
    "rp_sec_montecarlo": ("Onzekerheid (Monte Carlo)", "Uncertainty (Monte Carlo)"),
    "rp_sec_sib": ("Social Impact Bond", "Social Impact Bond"),
    "rp_sec_provenance": ("Herkomst van de cijfers", "Where the numbers come from"),
    "rp_sec_comparison": ("Vergelijking van de alternatieven", "Comparison of the alternatives"),
    "rp_sec_line_deltas": ("Verschillen per post", "Differences per line"),
    "rp_key_figures": ("Kerncijfers", "Key figures"),
    "rp_overview_note": (
        "Contante waarden in euro per partij: baten positief, kosten negatief. Een overdracht is een bate voor de een en een kost voor de ander en valt weg in het totaal. Vrijwillige inzet tussen haakjes telt niet mee in het saldo; PM-posten zijn niet in geld uitgedrukt en worden niet opgeteld.",
        "Present values in euro per stakeholder: benefits positive, costs negative. A transfer is a benefit to one and a cost to another and cancels in the total. Volunteer time in brackets is not in the saldo; PM items are not in money and are never summed.",
    ),
    "rp_kind": ("Soort", "Kind"),
    "rp_public": ("Publiek", "Public"),
    "rp_saldo": ("Saldo", "Net"),
    "rp_yes": ("ja", "yes"),
    "rp_no": ("nee", "no"),
    "rp_transfer_note": (
        "Publieke partijen samen vormen de fiscale blik. Overdrachten tellen per partij, maar vallen weg in het maatschappelijk totaal.",
        "The public stakeholders together are the fiscal view. Transfers count per stakeholder but cancel in the societal total.",
    ),
    "rp_per_year": ("Per jaar (zonder overdrachten)", "Per year (without transfers)"),
    "rp_per_year_note": (
        "Kosten, baten en netto kasstroom: bedragen van dat jaar, niet verdisconteerd (euro van prijspeil {py}). Cumulatief contant: de netto stromen verdisconteerd tegen {rate} naar {base_year} en opgeteld tot en met dat jaar; in het laatste jaar is dat het saldo.",
        "Costs, benefits and net flow: that year's amounts, not discounted (euro of {py} prices). Cumulative discounted: the net flows discounted at {rate} to {base_year} and added up to that year; in the last year that is the net present value.",
    ),
    "rp_sources_note": (
        "Waar elke post op rust: een bron (met vindplaats) of een aanname, zoals het scenario ze noemt.",
        "What each line rests on: a source (with where in it) or an assumption, as the scenario states them.",
    ),
    "rp_proj_sources_note": (
        "Per alternatief, het nulalternatief eerst; bij elk volgend alternatief alleen wat nog niet hierboven staat.",
        "Per alternative, the baseline first; for each next alternative only what is not shown above.",
    ),
    "rp_proj_sources_more": (
        "Alleen de posten, prijzen, standaardwaarden en bronnen die nog niet hierboven staan.",
        "Only the lines, prices, defaults and sources not shown above.",
    ),
    "rp_proj_sources_same": (
        "Geen andere posten, prijzen, standaardwaarden of bronnen dan hierboven.",
        "No lines, prices, defaults or sources other than above.",
    ),
    "rp_assumption": ("Aanname", "Assumption"),
    "rp_price_items": ("Gebruikte prijzen uit de prijslijst", "Prices used from the price list"),
    "rp_own_prices": (
        "Eigen prijzen van posten (niet uit de prijslijst)",
        "Lines' own prices (not from the price list)",
    ),
    "rp_general_sources": ("Overige bronnen van het scenario", "Other sources of the scenario"),
    "rp_group_costs": ("kosten", "cost"),
    "rp_group_effects": ("effect", "effect"),
    "rp_group_volunteers": ("vrijwillige inzet", "volunteer time"),
    "kind_other": ("overig", "other"),
    "rp_period": ("Periode", "Period"),
    "rp_discount_rate": ("Discontovoet", "Discount rate"),
    "rp_sum_costs_benefits": (
        "{name} kost de samenleving over {period} {costs} en levert {benefits} op (contante waarden, prijspeil {price_year}).",
        "Over {period}, {name} costs society {costs} and yields {benefits} (present values, prices of {price_year}).",
    ),
    "rp_sum_positive": ("Het saldo is positief: {npv}.", "The net present value is positive: {npv}."),
    "rp_sum_negative": (
        "Het saldo is negatief: {npv}. De kosten zijn hoger dan de baten die in geld zijn uitgedrukt.",
        "The net present value is negative: {npv}. The costs exceed the benefits valued in money.",
    ),
    "rp_sum_zero": (
        "Kosten en baten heffen elkaar op: het saldo is {npv}.",
        "Costs and benefits cancel: {npv}.",
    ),
    "rp_sum_bcr": ("Elke geïnvesteerde euro levert {bcr} op.", "Each euro invested returns {bcr}."),
    "rp_sum_pays": ("Wie per saldo betaalt: {who}.", "Who pays on balance: {who}."),
    "rp_sum_gains": ("Wie per saldo profiteert: {who}.", "Who gains on balance: {who}."),
    "rp_sum_nobody": ("Geen partij wint of verliest per saldo.", "No stakeholder gains or loses on balance."),
    "rp_and": ("en", "and"),
    "rp_sum_volunteers": (
        "Daarnaast is er vrijwillige inzet ter waarde van {value}.",
        "Besides, volunteers give time worth {value}.",
    ),
    "rp_sum_pm": (
        "Er zijn {n} effecten die niet in geld zijn uitgedrukt (PM-posten); zie de overzichtstabel.",
        "{n} effects are not valued in money (PM items); see the overview table.",
    ),
    "rp_sum_mc": (
        "Over {n} trekkingen van de onzekere invoer is de kans op een negatief saldo {p}.",
        "Over {n} draws of the uncertain inputs, the probability of a negative net present value is {p}.",
    ),
    "rp_no_irr": (
        "geen (de kasstromen wisselen niet één keer van teken)",
        "none (the flows do not change sign once)",
    ),
    "rp_never": ("niet binnen de looptijd", "not within the horizon"),
    "rp_tornado_note": (
        "Elke onzekere invoer afzonderlijk op zijn lage en hoge waarde, de rest op de basiswaarde. De balken beginnen bij het saldo van de puntschatting ({npv}).",
        "Each uncertain input on its own at its low and high value, the rest at base. The bars start at the point result's net present value ({npv}).",
    ),
    "rp_tornado_none": (
        "Dit scenario heeft geen onzekere invoer: het saldo hangt niet af van een bereik.",
        "This scenario has no uncertain inputs: its net present value does not depend on a range.",
    ),
    "rp_tornado_more": (
        "En nog {n} invoerwaarden met een kleiner bereik.",
        "And {n} more inputs with a smaller swing.",
    ),
    "rp_be_value": (
        "{what}: het saldo is 0 bij {value} (basis {base}, bereik {low} tot {high}).",
        "{what}: the net present value is 0 at {value} (base {base}, range {low} to {high}).",
    ),
    "rp_be_flat": (
        "{what}: het saldo hangt hier niet van af.",
        "{what}: the net present value does not depend on it.",
    ),
    "rp_be_positive": (
        "{what}: het saldo blijft positief over het hele bereik van {low} tot {high}; er is geen omslagpunt binnen wat deze invoer kan aannemen.",
        "{what}: the net present value stays positive over the whole range from {low} to {high}; there is no break-even within what this input can take.",
    ),
    "rp_be_negative": (
        "{what}: het saldo blijft negatief over het hele bereik van {low} tot {high}; er is geen omslagpunt binnen wat deze invoer kan aannemen.",
        "{what}: the net present value stays negative over the whole range from {low} to {high}; there is no break-even within what this input can take.",
    ),
    "rp_mc_intro": (
        "{draws} (startgetal {seed}) van {inputs} tegelijk.",
        "{draws} (seed {seed}) of {inputs} at once.",
    ),
    "rp_mc_certain": (
        "Het saldo van dit scenario hangt niet af van onzekere invoer: elke trekking geeft hetzelfde saldo.",
        "This scenario's net present value does not depend on uncertain inputs: every draw gives the same value.",
    ),
    "rp_mc_certain_sib": (
        "Het saldo van de MKBA hangt niet af van onzekere invoer: elke trekking geeft hetzelfde saldo. Wat wel varieert, zijn de uitkomstniveaus van het SIB-contract: zie de simulatie in het deel Social Impact Bond.",
        "The CBA's net present value does not depend on uncertain inputs: every draw gives the same value. What does vary are the SIB contract's outcome levels: see the simulation in the Social Impact Bond section.",
    ),
    "rp_mc_p_negative": (
        "Kans op een negatief saldo: {p}.",
        "Probability of a negative net present value: {p}.",
    ),
    "rp_npv_of": ("Saldo", "Net present value:"),
    "rp_percentiles_note": (
        "p5, p50 en p95: in 5 %, 50 % en 95 % van de trekkingen is de uitkomst lager.",
        "p5, p50 and p95: 5 %, 50 % and 95 % of the draws give a lower value.",
    ),
    "rp_provenance_note": (
        "Met dezelfde prijslijst (naam, versie en hash), hetzelfde scenario en dezelfde mkba-versie zijn deze cijfers te herhalen.",
        "With the same price list (name, version and hash), the same scenario and the same mkba version these numbers can be reproduced.",
    ),
    "rp_made_on": ("Gemaakt op", "Made on"),
    "rp_index_cbs-cpi": ("CBS consumentenprijsindex (CPI)", "CBS consumer price index (CPI)"),
    "rp_sib_intro": (
        "De betalingen van het contract bij het verwachte uitkomstniveau. Uitkomstbetaler: {payer}. Betalingen in {cur}, tot op de cent, zoals het contract ze doet.",
        "The contract's payments at the expected outcome level. Outcome payer: {payer}. Payments in {cur}, to the cent, as the contract makes them.",
    ),
    "rp_sib_prices": (
        "Prijspeil: de bedragen van dit contract zijn euro's van prijspeil {contract_year}, het prijspeil van het contract; de rest van dit rapport rekent in prijspeil {year}.",
        "Price level: this contract's amounts are euros of {contract_year} prices, the contract's price level; the rest of this report uses {year} prices.",
    ),
    "rp_sib_prices_same": (
        "Prijspeil: de bedragen van dit contract zijn euro's van prijspeil {year}, net als de rest van dit rapport.",
        "Price level: this contract's amounts are euros of {year} prices, as in the rest of this report.",
    ),
    "rp_sib_pv": (
        "(cw) is contante waarde: verdisconteerd tegen {rate} per jaar naar {base_year}, zoals in de MKBA.",
        "(PV) is present value: discounted at {rate} a year to {base_year}, as in the CBA.",
    ),
    "rp_sib_levels": (
        "Het betaalschema en de vermeden kosten gelden bij het verwachte uitkomstniveau: {levels}.",
        "The schedule and the avoided costs are at the expected outcome level: {levels}.",
    ),
    "rp_sib_references": (
        "De effectregels van de MKBA gaan uit van het referentieniveau: {references}.",
        "The CBA's effect lines assume the reference level: {references}.",
    ),
    "rp_sib_indexed": (
        ", omgerekend naar prijspeil {contract_year} (indexfactor {factor})",
        ", brought to {contract_year} prices (index factor {factor})",
    ),
    "rp_sib_indexed_chain": (
        " × indexfactor {factor} (naar prijspeil {contract_year})",
        " × index factor {factor} (to {contract_year} prices)",
    ),
    "rp_sib_reconcile": (
        "Daarom wijken de vermeden kosten van {payer} hier ({sib}) af van de baten van die partij in de MKBA ({mkba}, prijspeil {year}): hier tellen alleen de effectregels die aan een uitkomst van het contract gekoppeld zijn{indexed}, geschaald naar het verwachte uitkomstniveau.",
        "That is why {payer}'s avoided costs here ({sib}) differ from that party's benefits in the CBA ({mkba}, {year} prices): here only the effect lines linked to an outcome of the contract count{indexed}, scaled to the expected outcome level.",
    ),
    "rp_sib_schedule_prices": (
        "Bedragen van prijspeil {year}, het prijspeil van het contract; niet verdisconteerd.",
        "Amounts at {year} prices, the contract's price level; not discounted.",
    ),
    "rp_sib_reconcile_same": (
        "De vermeden kosten van {payer} hier ({sib}) zijn gelijk aan de baten van die partij in de MKBA.",
        "{payer}'s avoided costs here ({sib}) equal that party's benefits in the CBA.",
    ),
    "rp_sib_reconcile_chain": (
        "Daarom wijken de vermeden kosten van {payer} hier ({sib}) af van de baten van die partij in de MKBA ({mkba}, prijspeil {year}, referentieniveau {reference}): {mkba}{indexed} × {level} / {reference} (verwacht niveau / referentieniveau) = {sib}.",
        "That is why {payer}'s avoided costs here ({sib}) differ from that party's benefits in the CBA ({mkba}, {year} prices, reference level {reference}): {mkba}{indexed} × {level} / {reference} (expected level / reference level) = {sib}.",
    ),
    "rp_sib_to": ("Naar", "To"),
    "rp_sib_no_break_even": (
        "geen binnen het bereik van de uitkomst",
        "none within the range of the outcome",
    ),
    "rp_sib_sim_intro": (
        "{n} trekkingen (startgetal {seed}) van de uitkomstniveaus: wat investeerders en betaler kunnen verwachten.",
        "{n} draws (seed {seed}) of the outcome levels: what investors and the payer may expect.",
    ),
    "rp_sib_sim_intro_payer": (
        "{n} trekkingen (startgetal {seed}) van de uitkomstniveaus: wat de betaler kan verwachten.",
        "{n} draws (seed {seed}) of the outcome levels: what the payer may expect.",
    ),
    "rp_sib_fixed": (
        "De netto besparing van de betaler varieert niet over de trekkingen: {value} in elke trekking.",
        "The payer's net savings do not vary over the draws: {value} in every draw.",
    ),
    "chart_never": ("niet binnen de looptijd", "not within the horizon"),
    "chart_yearly_alt": (
        "Staafdiagram per jaar van {first} tot {last}: baten omhoog, kosten omlaag, met de netto kasstroom en de cumulatieve contante kasstroom als lijnen. Terugverdienjaar: {payback}.",
        "Bar chart per year from {first} to {last}: benefits up, costs down, with the net flow and the cumulative discounted flow as lines. Payback year: {payback}.",
    ),
    "chart_stakeholders_alt": (
        "Per partij de kosten (links) en baten (rechts); {said}.",
        "Per stakeholder the costs (left) and benefits (right); {said}.",
    ),
    "chart_gains_most": ("het meest profiteert {who} ({amount})", "{who} gains most ({amount})"),
    "chart_pays_most": ("het meest betaalt {who} ({amount})", "{who} pays most ({amount})"),
    "chart_none_gains": ("geen partij gaat er per saldo op vooruit", "no stakeholder gains on balance"),
    "chart_none_pays": ("geen partij gaat er per saldo op achteruit", "no stakeholder loses on balance"),
    "chart_tornado_title": (
        "Saldo bij lage en hoge waarde van elke onzekere invoer",
        "Net present value at each uncertain input's low and high",
    ),
    "chart_tornado_alt": (
        "Tornadodiagram: het saldo hangt het meest af van {name} (bereik {swing}).",
        "Tornado chart: the net present value depends most on {name} (swing {swing}).",
    ),
    "chart_at_low": ("invoer laag", "input low"),
    "chart_at_high": ("invoer hoog", "input high"),
    "chart_histogram_title": ("Verdeling van het saldo", "Distribution of the net present value"),
    "chart_histogram_alt": (
        "Histogram van {n} trekkingen: 90 % ligt tussen {p5} en {p95}; kans op een negatieve waarde {p}.",
        "Histogram of {n} draws: 90 % lie between {p5} and {p95}; probability of a negative value {p}.",
    ),
    "chart_sib_title": (
        "Betaler: betalingen en vermeden kosten per jaar",
        "Payer: payments and avoided costs per year",
    ),
    "chart_sib_alt": (
        "Per jaar wat de betaler betaalt (omlaag, totaal {pays}) en aan kosten vermijdt (omhoog, totaal {avoids}).",
        "Per year what the payer pays (down, {pays} in total) and the costs it avoids (up, {avoids} in total).",
    ),
    "chart_sib_cumulative": ("cumulatief voor de betaler", "cumulative for the payer"),
    "chart_sib_hist_title": (
        "Netto besparing van de betaler over de trekkingen",
        "The payer's net savings over the draws",
    ),
    "chart_delta_title": (
        "Saldo van elk alternatief t.o.v. het nulalternatief",
        "Each alternative's net present value against the baseline",
    ),
    "chart_delta_alt": (
        "Staafdiagram: {best} heeft het hoogste saldo ten opzichte van het nulalternatief ({value}).",
        "Bar chart: {best} has the highest net present value against the baseline ({value}).",
    ),
    "rp_project_title": (
        "Maatschappelijke kosten-batenanalyse: vergelijking van alternatieven",
        "Social cost-benefit analysis: comparison of alternatives",
    ),
    "rp_proj_best": (
        "Van de {n} alternatieven scoort {best} het best: een saldo van {delta} ten opzichte van het nulalternatief ({baseline}).",
        "Of the {n} alternatives, {best} scores best: a net present value of {delta} against the baseline ({baseline}).",
    ),
    "rp_proj_none_positive": (
        "Geen alternatief heeft een positief saldo ten opzichte van het nulalternatief ({baseline}).",
        "No alternative has a positive net present value against the baseline ({baseline}).",
    ),
    "rp_proj_no_dominant": (
        "Geen alternatief is dominant: elk kost meer of levert minder op dan het nulalternatief.",
        "No alternative is dominant: each costs more or yields less than the baseline.",
    ),
    "rp_proj_bcr": ("{alt}: elke extra euro levert {bcr} op.", "{alt}: each extra euro returns {bcr}."),
    "rp_proj_lines_note": (
        "Contante waarde van elke post bij het nulalternatief en het verschil per alternatief; een post die een alternatief laat vervallen, telt als besparing.",
        "Present value of each line in the baseline and the difference per alternative; a line an alternative removes counts as a saving.",
    ),
    "rp_proj_mc_intro": (
        "{n} trekkingen (startgetal {seed}), dezelfde voor elk alternatief (gepaarde trekkingen).",
        "{n} draws (seed {seed}), the same for every alternative (paired draws).",
    ),
    **{f"unit_{unit}": names for unit, names in UNIT_NAMES.items()},
    "rp_project_file": ("Projectbestand", "Project file"),
    "xl_chart_costs_left": ("Kosten (negatief, voor de grafiek)", "Costs (negative, for the chart)"),
    "xl_chart_data": (
        "Gegevens van de grafiek per jaar (kosten negatief)",
        "Data of the chart per year (costs negative)",
    ),
    "xl_sens_axis": ("Verschil met het saldo", "Change of the net present value"),
    "fiscal_npv": ("Saldo fiscaal (publieke partijen)", "Fiscal net present value (public stakeholders)"),
    "xl_method_fast": ("snel: contante waarden per groep regels", "fast: present values per group of lines"),
    "xl_method_flows": ("volledig: alle kasstromen per jaar", "full: every flow per year"),
    "rp_sib_sources": ("Bronnen en aannames van het contract", "Sources and assumptions of the contract"),
    "rp_project_hash": ("Project: hash (sha256)", "Project: hash (sha256)"),
    "default_price": ("prijs", "price"),
    "default_word": ("standaard", "default"),
}


def label(key: str, lang: str = "nl") -> str:
    """The label of ``key`` in ``lang``; the key itself when unknown.

    Parameters
    ----------
    key : str
        A key of :data:`LABELS` (``npv``, ``xl_sheet_summary``, ...).
    lang : {'nl', 'en'}
        Dutch (the default; also for any language but 'en') or English.

    Returns
    -------
    str
        The label, or ``key`` when there is none.

    Examples
    --------
    >>> label("npv")
    'Saldo (netto contante waarde)'
    >>> label("npv", "en")
    'Net present value'
    >>> label("no such key")
    'no such key'
    """
    pair = LABELS.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]


#: Default names of common stakeholder ids, (Dutch, English): what a reader sees when the scenario
#: gives a stakeholder no ``label`` (the price list's payers and beneficiaries, for instance).
STAKEHOLDERS: dict[str, tuple[str, str]] = {
    "gemeente": ("Gemeente", "Municipality"),
    "provincie": ("Provincie", "Province"),
    "rijk": ("Rijksoverheid", "Central government"),
    "uwv": ("UWV", "UWV (employee insurance agency)"),
    "svb": ("SVB", "SVB (social insurance bank)"),
    "belastingdienst": ("Belastingdienst", "Tax authority"),
    "zorgverzekeraar": ("Zorgverzekeraar", "Health insurer"),
    "zorgverzekeraars": ("Zorgverzekeraars", "Health insurers"),
    "zorgaanbieder": ("Zorgaanbieder", "Care provider"),
    "woningcorporatie": ("Woningcorporatie", "Housing association"),
    "woningcorporaties": ("Woningcorporaties", "Housing associations"),
    "politie": ("Politie", "Police"),
    "justitie": ("Justitie", "Justice"),
    "werkgever": ("Werkgever", "Employer"),
    "werkgevers": ("Werkgevers", "Employers"),
    "deelnemers": ("Deelnemers", "Participants"),
    "deelnemer": ("Deelnemer", "Participant"),
    "bewoners": ("Bewoners", "Residents"),
    "vrijwilligers": ("Vrijwilligers", "Volunteers"),
    "mantelzorgers": ("Mantelzorgers", "Informal carers"),
    "samenleving": ("Samenleving", "Society"),
    "maatschappij": ("Maatschappij", "Society"),
    "fonds": ("Fonds", "Fund"),
    "investeerders": ("Investeerders", "Investors"),
    "investeerder": ("Investeerder", "Investor"),
    "uitvoerder": ("Uitvoerder", "Provider"),
    "onderwijs": ("Onderwijs", "Education"),
}


def break_even_words(found: Mapping[str, Any], who: str, lang: str = "nl") -> str:
    """Why a SIB contract has no break-even outcome level, in the reader's words and notation.

    The words are :data:`mkba.sib.labels.NO_BREAK_EVEN`'s, the JSON's ``reason`` their English
    (:func:`mkba.sib.labels.no_break_even`).

    Parameters
    ----------
    found : mapping
        A break-even of :meth:`mkba.sib.model.SibResult.to_dict` (``why``: ``always``, ``never``,
        ``up_to`` or ``no_investors``; ``top``: the highest level searched, ``up_to``: the highest
        level that still breaks even, in the outcome's unit).
    who : {'payer', 'investors'}
        Whose break-even.
    lang : {'nl', 'en'}
        Dutch (the default) or English.

    Returns
    -------
    str

    Examples
    --------
    >>> break_even_words({"why": "never", "top": 800}, "payer")
    'geen: de betaler betaalt bij elk niveau tot 800 meer dan hij bespaart'
    >>> break_even_words({"why": "always"}, "investors", "en")
    'none needed: investors get their money back at every level'
    """
    return no_break_even(
        who,
        found.get("why") or "never",
        lang,
        top=found.get("top"),
        up_to=found.get("up_to"),
        number=lambda x, decimals: numbers.number(x, lang, decimals),
    )


def schedule_row_name(key: str, currency: str, party: Callable[[str], str], lang: str = "nl") -> str:
    """The name of a SIB schedule row (a key of :func:`mkba.report.sib_view.shown_schedule`) for the reader.

    ``to_<id>`` rows name the investor by ``party``; the payer's avoided costs, in euro, say so in a
    contract in another ``currency`` (the schedule's title names the contract's).

    Examples
    --------
    >>> schedule_row_name("payer_avoids", "GBP", str)
    'Betaler vermijdt (euro)'
    >>> schedule_row_name("to_abn", "EUR", str.upper, "en")
    'To ABN'
    """
    if key.startswith("to_") and key != "to_provider":
        return f"{label('rp_sib_to', lang)} {party(key[3:])}"
    if key == "payer_avoids" and currency != "EUR":
        return in_currency("sib_payer_avoids_in", "EUR", lang)
    return label(f"sib_{key}", lang)


def in_currency(key: str, currency: str, lang: str = "nl", **fields: Any) -> str:
    """A label that names a currency, with ``currency`` in its ``{cur}``: the one way a label gets one.

    The euro is named ``euro``, another currency by its code (:func:`mkba.report.numbers.currency_name`);
    ``fields`` fill the label's other slots.

    Examples
    --------
    >>> in_currency("sib_investor_multiple", "USD"), in_currency("sib_investor_multiple", "EUR")
    ('Terugbetaald per geïnvesteerde USD', 'Terugbetaald per geïnvesteerde euro')
    >>> in_currency("sib_exchange_rate_value", "GBP", "en", rate="1.1500")
    '1.1500 euro per GBP'
    """
    return label(key, lang).format(cur=numbers.currency_name(currency, lang), **fields)


def simulation_name(key: str, currency: str, lang: str = "nl") -> str:
    """The name of a figure of a SIB simulation (a key of :func:`mkba.report.sib_view.shown_simulation`).

    Examples
    --------
    >>> simulation_name("investor_multiple", "GBP"), simulation_name("p_total_loss", "EUR", "en")
    ('Terugbetaald per geïnvesteerde GBP', 'P(investors lose all, IRR -100%)')
    """
    return in_currency(f"sib_{key}", currency, lang)


def item_label(item: Any, lang: str = "nl") -> str | None:
    """A price item's label in the reader's language (its English one, where the list has it)."""
    if item is None:
        return None
    return label_for(item.label, getattr(item, "label_en", None), lang)


#: The words a nulalternatief's own label may start with (``label: Nulalternatief - reguliere hulp``),
#: in either language, with what separates them from the rest.
_BASELINE_WORD = re.compile(r"\s*(?:nulalternatief|null alternative|baseline)\b[\s:,\-\u2013\u2014]*", re.I)


def baseline_name(name: str) -> str:
    """The nulalternatief's label as it follows the word ``Nulalternatief:`` (``Baseline:``): without that word.

    A label that starts with the word (``Nulalternatief - reguliere hulp``) would say it twice
    (``Nulalternatief: Nulalternatief - reguliere hulp``); a label that is only the word stays whole.

    Examples
    --------
    >>> baseline_name("Nulalternatief - reguliere hulp"), baseline_name("Baseline - regular services")
    ('reguliere hulp', 'regular services')
    >>> baseline_name("Nulalternatief (niets)"), baseline_name("Null alternative: none")
    ('niets', 'none')
    >>> baseline_name("Reguliere hulp"), baseline_name("Nulalternatief"), baseline_name("Nulalternatiefje")
    ('Reguliere hulp', 'Nulalternatief', 'Nulalternatiefje')
    """
    found = _BASELINE_WORD.match(name)
    rest = name[found.end() :].strip() if found else ""
    if rest.startswith("(") and rest.endswith(")") and "(" not in rest[1:-1]:
        rest = rest[1:-1].strip()
    return rest or name


def counted(n: int, key: str, lang: str = "nl") -> str:
    """``n`` and the word of ``key`` (``"singular|plural"``) that goes with it, in the reader's notation.

    Examples
    --------
    >>> counted(1, "n_lines"), counted(9, "n_lines"), counted(12000, "n_lines", "en")
    ('1 regel', '9 regels', '12,000 lines')
    """
    one, many = label(key, lang).split("|")
    return f"{numbers.count(n, lang)} {one if n == 1 else many}"


def kind_name(kind: str, lang: str = "nl") -> str:
    """The reader's word for the kind of a line (``avoided_cost``: ``vermeden kosten``); ``overig`` for a
    kind without one, never the code word.

    Examples
    --------
    >>> kind_name("avoided_cost"), kind_name("no-such-kind", "en")
    ('vermeden kosten', 'other')
    """
    shown = label(f"kind_{kind}", lang)
    return label("kind_other", lang) if shown == f"kind_{kind}" else shown


def joined(names: Sequence[str], lang: str = "nl") -> str:
    """``a, b en c`` (``a, b and c``): names as a sentence lists them.

    Examples
    --------
    >>> joined(["a", "b", "c"]), joined(["a"], "en"), joined(["a", "b"], "en")
    ('a, b en c', 'a', 'a and b')
    """
    names = list(names)
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {label('rp_and', lang)} " + names[-1]


def sib_command(file: str | None, n: int | None, seed: int | None = None) -> str:
    """The command that simulates a scenario's SIB contract, with the scenario's path as it was given.

    One wording for the terminal, the report and the workbook; the path is quoted where a shell needs
    it, so that the command can be copied as it stands.

    Parameters
    ----------
    file : str, optional
        The scenario's file as given (``scenarios/buzinezzclub-rotterdam.yaml``); ``SCENARIO`` without one.
    n : int, optional
        The number of draws (``N`` without one).
    seed : int, optional
        The seed, added when given.

    Returns
    -------
    str

    Examples
    --------
    >>> sib_command("scenarios/buzinezzclub-rotterdam.yaml", 2000)
    'mkba sib scenarios/buzinezzclub-rotterdam.yaml --simulate 2000'
    >>> sib_command("mijn map/contract.yaml", None, 7)
    "mkba sib 'mijn map/contract.yaml' --simulate N --seed 7"
    """
    import shlex

    path = shlex.quote(file) if file and file != "<dict>" else "SCENARIO"
    seeded = f" --seed {seed}" if seed is not None else ""
    return f"mkba sib {path} --simulate {n if n else 'N'}{seeded}"


def unit_name(unit: str, lang: str = "nl") -> str:
    """A price list unit for readers: ``month`` -> ``maand``; a unit without a name as written.

    Examples
    --------
    >>> unit_name("month"), unit_name("month", "en"), unit_name("fte-jaar")
    ('maand', 'month', 'fte-jaar')
    """
    pair = LABELS.get(f"unit_{unit}")
    return unit if pair is None else pair[1] if lang == "en" else pair[0]


def stakeholder_name(name: str, lang: str = "nl") -> str:
    """How to show a stakeholder id the scenario gives no label: a known id by its name, else capitalised.

    Parameters
    ----------
    name : str
        The stakeholder's id (``zorgverzekeraar``, ``goldman-sachs``).
    lang : {'nl', 'en'}
        Dutch (the default) or English.

    Returns
    -------
    str
        The name for readers: a known id's from :data:`STAKEHOLDERS`, otherwise the id with
        hyphens and underscores as spaces and a capital first letter.

    Examples
    --------
    >>> stakeholder_name("zorgverzekeraar")
    'Zorgverzekeraar'
    >>> stakeholder_name("vrijwilligers", "en")
    'Volunteers'
    >>> stakeholder_name("nyc-doc")
    'Nyc doc'
    """
    pair = STAKEHOLDERS.get(name.lower())
    if pair is not None:
        return pair[1] if lang == "en" else pair[0]
    words = name.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else name


def default_reason(used: UsedDefault, lang: str = "nl") -> str:
    """Why the engine used a default, in the reader's words and notation.

    Examples
    --------
    >>> from mkba.engine.model import UsedDefault
    >>> default_reason(UsedDefault(2015, "start_year"))
    'standaard: het startjaar'
    >>> default_reason(UsedDefault(2015, "start_year"), "en")
    'default: the start year'
    """
    why = used.why(lang, lambda x: numbers.number(x, lang, 2))  # its words: mkba.engine.model.DEFAULT_REASONS
    return f"{label('default_word', lang)}: {why}"


def default_value(key: str, used: UsedDefault, lang: str = "nl") -> str:
    """The value of a default in the reader's notation: a year, a rate in percent, an amount per unit.

    Examples
    --------
    >>> from mkba.engine.model import UsedDefault
    >>> default_value("discount_rate", UsedDefault(0.0225, "werkgroep_2020")).replace("\\xa0", " ")
    '2,25 %'
    """
    if key == "discount_rate":
        return numbers.percent(used.value, lang, 2)
    if used.reason == "pert_mean":
        d = used.detail
        amount = numbers.euro(used.value, lang, cents=True)
        return f"{amount} per {unit_name(d['unit'], lang)} ({label('prices_in', lang)} {d['price_year']})"
    return str(int(used.value))


def default_text(key: str, used: UsedDefault, lang: str = "nl", name: str | None = None) -> str:
    """A default in words: ``basisjaar = 2025 (standaard: het startjaar)``.

    Parameters
    ----------
    key : str
        What the default is for: ``price_year``, ``base_year``, ``discount_rate`` or ``price.<item>``.
    used : mkba.engine.model.UsedDefault
        The value and the reason the engine recorded.
    lang : {'nl', 'en'}
        Dutch (the default) or English.
    name : str, optional
        The price item's label, for a price (its id otherwise).

    Examples
    --------
    >>> from mkba.engine.model import UsedDefault
    >>> default_text("base_year", UsedDefault(2025, "start_year"))
    'basisjaar = 2025 (standaard: het startjaar)'
    >>> default_text("discount_rate", UsedDefault(0.0225, "werkgroep_2020"), "en")
    'discount rate = 2.25% (default: Werkgroep discontovoet 2020)'
    >>> print(default_text("discount_rate", UsedDefault(0.0225, "werkgroep_2020")))
    discontovoet = 2,25\xa0% (standaard: Werkgroep discontovoet 2020)
    """
    if key.startswith("price."):
        what = f"{label('default_price', lang)} {name or key.removeprefix('price.')}"
    else:
        what = label(key, lang).lower()
    return f"{what} = {default_value(key, used, lang)} ({default_reason(used, lang)})"
