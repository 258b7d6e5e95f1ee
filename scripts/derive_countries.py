#!/usr/bin/env python3
"""Derives src/extract/data/countries.tsv from the countries gem data and the petrarch2
country aliases (both MIT). Run from the crate root:

    python3 scripts/derive_countries.py /work/shared/refdata > src/extract/data/countries.tsv

Output columns: alpha2, common English name, aliases ('|'), demonyms ('|', adjectives and
plurals). Names are matched case-sensitively by the recognizer.
"""
import csv
import sys
from collections import defaultdict

REF = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/refdata"

# Common English short names where the ISO short name is a formal or inverted form.
COMMON = {
    "BO": "Bolivia", "CD": "Democratic Republic of the Congo", "CG": "Republic of Congo",
    "FK": "Falkland Islands", "FM": "Micronesia", "GB": "United Kingdom", "IR": "Iran",
    "KP": "North Korea", "KR": "South Korea", "LA": "Laos", "MD": "Moldova", "PS": "Palestine",
    "RU": "Russia", "SY": "Syria", "TW": "Taiwan", "TZ": "Tanzania", "US": "United States",
    "VA": "Vatican", "VE": "Venezuela", "VN": "Vietnam", "MF": "Saint Martin",
    "SX": "Sint Maarten", "VG": "British Virgin Islands", "VI": "U.S. Virgin Islands",
    "CC": "Cocos Islands", "BN": "Brunei", "CV": "Cape Verde", "CI": "Ivory Coast",
    "CZ": "Czech Republic", "SZ": "Eswatini", "MK": "North Macedonia", "TR": "Turkey",
    "NL": "Netherlands", "PH": "Philippines", "BS": "Bahamas", "GM": "Gambia",
}
# English aliases used in news copy, beyond what the sources give.
EXTRA = {
    "US": ["U.S.", "US", "U.S.A.", "USA", "America", "United States of America"],
    "GB": ["Britain", "Great Britain", "U.K.", "UK", "United Kingdom of Great Britain and Northern Ireland"],
    "KR": ["Korea, South", "Republic of Korea", "ROK"],
    "KP": ["Democratic People's Republic of Korea", "DPRK"],
    "RU": ["Russian Federation"], "CN": ["People's Republic of China", "PRC", "Chinese mainland"],
    "TW": ["Chinese Taipei"], "CG": ["Congo-Brazzaville", "Republic of the Congo", "Congo"],
    "CD": ["DR Congo", "DRC", "Congo-Kinshasa", "Democratic Republic of Congo"],
    "AE": ["UAE", "U.A.E.", "Emirates"], "VN": ["Viet Nam"], "MM": ["Burma"],
    "CI": ["Cote d'Ivoire", "Côte d'Ivoire"], "CZ": ["Czechia"], "SZ": ["Swaziland"],
    "MK": ["Macedonia"], "TR": ["Turkiye", "Türkiye"], "NL": ["Holland", "the Netherlands"],
    "IR": ["Islamic Republic of Iran"], "SY": ["Syrian Arab Republic"], "LA": ["Lao PDR"],
    "PS": ["Palestinian Territories", "Palestinian territories"], "VA": ["Holy See", "Vatican City"],
    "TL": ["East Timor"], "BO": [], "NZ": [], "ZA": [], "SA": [],
}
# Demonyms shared by several codes belong to this one.
DEMONYM_OWNER = {"Dutch": "NL", "French": "FR", "British": "GB", "American": "US",
                 "Danish": "DK", "Norwegian": "NO", "Virgin Islander": "", "Finnish": "FI",
                 "Australian": "AU", "New Zealander": "NZ", "Congolese": "", "Chinese": "CN",
                 "Korean": "", "Samoan": "WS"}
EXTRA_DEMONYMS = {"KR": ["South Korean"], "KP": ["North Korean"], "GB": ["Briton", "Britons"],
                  "NL": ["Dutch"], "PH": ["Filipino", "Filipinos", "Philippine"],
                  "CG": ["Congolese"], "US": ["Americans"], "CN": ["Chinese"],
                  "NZ": ["New Zealander", "New Zealanders"], "TH": ["Thai", "Thais"],
                  "PS": ["Palestinian", "Palestinians"], "IL": ["Israeli", "Israelis"],
                  "SA": ["Saudi", "Saudis"], "CZ": ["Czech", "Czechs"], "AF": ["Afghans"]}
# Sovereign status (ISO 3166 codes that are not dependencies) is not in the data; the
# owner rule above settles the clashes that matter for news.

def english_like(name):
    return name.isascii() and all(c.isalnum() or c in " .,'-()" for c in name)

rows = list(csv.DictReader(open(f"{REF}/countries/countries.tsv"), delimiter="\t"))
petrarch = defaultdict(set)  # upper-case aliases of every country (English, misspellings)
for r in csv.DictReader(open(f"{REF}/petrarch2/cameo_country_aliases.tsv"), delimiter="\t"):
    petrarch[r["alias"].strip()].add(r["cameo_code"])
by_a3 = {r["alpha3"]: r["alpha2"] for r in rows}

out = []
demonym_codes = defaultdict(list)
for r in rows:
    a2 = r["alpha2"]
    iso = r["iso_short_name"]
    name = COMMON.get(a2, iso)
    aliases = []
    if iso != name and "(" not in iso and "," not in iso:
        aliases.append(iso)
    for u in r["unofficial_names"].split("|"):
        u = u.strip()
        # unofficial_names mixes languages: keep a name only when the (English) petrarch2
        # dictionary knows it too.
        if u and u != name and english_like(u) and u.upper() in petrarch and "," not in u:
            aliases.append(u)
    aliases += EXTRA.get(a2, [])
    seen = set()
    aliases = [a for a in aliases if a != name and not (a in seen or seen.add(a))]
    dems = []
    for d in r["nationality"].split(","):
        d = d.strip()
        if d and english_like(d):
            dems.append(d)
    for d in dems:
        demonym_codes[d].append(a2)
    out.append([a2, name, aliases, dems])

names = {a2: name for a2, name, _, _ in out}
final = []
for a2, name, aliases, dems in out:
    keep = []
    for d in dems + EXTRA_DEMONYMS.get(a2, []):
        owners = demonym_codes.get(d, [a2])
        # Otherwise the country with the shortest name (India over British Indian Ocean
        # Territory).
        shortest = min(owners, key=lambda c: len(names[c]))
        owner = DEMONYM_OWNER.get(d, shortest)
        if d in EXTRA_DEMONYMS.get(a2, []):
            owner = a2
        if owner != a2:
            continue
        keep.append(d)
        last = d.split()[-1]
        if d.endswith(("an", "i", "er")) and not d.endswith("Citizen") and len(last) > 3:
            keep.append(d + "s")
    seen = set()
    keep = [d for d in keep if not (d in seen or seen.add(d))]
    final.append((a2, name, aliases, keep))

print("# Countries: ISO 3166-1 alpha-2 code, common English name, aliases, demonyms.")
print("# DERIVED by scripts/derive_countries.py from github.com/countries/countries")
print("# (commit dd3457313ec60fc6b8a47b6a8b040751e7811b9b, lib/countries/data/countries/*.yaml,")
print("# MIT licence, see LICENSE-countries) and github.com/openeventdata/petrarch2 (commit")
print("# 676801cd9cb2924bbbad09f86d15c9323e7097bf, country aliases used as an English filter,")
print("# MIT licence, see LICENSE-petrarch2), with common English forms added by hand.")
print("# Columns: alpha2 <TAB> name <TAB> aliases ('|') <TAB> demonyms ('|').")
for a2, name, aliases, dems in final:
    print("\t".join([a2, name, "|".join(aliases), "|".join(dems)]))
print("\t".join(["EU", "European Union", "EU|E.U.", "European"]))
