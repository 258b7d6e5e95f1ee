#!/usr/bin/env python3
"""Derives src/extract/data/places.tsv (cities, provinces, regions and landmarks with their
country) from the petrarch2 country alias blocks (MIT). Run from the crate root:

    python3 scripts/derive_places.py /work/shared/refdata > src/extract/data/places.tsv

Keeps the aliases that are not a country name, alias or demonym in countries.tsv; names are
upper case in the source and matched case-insensitively against capitalized words.
"""
import csv
import sys

REF = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/refdata"
a3_to_a2 = {}
for r in csv.DictReader(open(f"{REF}/countries/countries.tsv"), delimiter="\t"):
    a3_to_a2[r["alpha3"]] = r["alpha2"]
countries = set()
for line in open("src/extract/data/countries.tsv"):
    if line.startswith("#"):
        continue
    cols = line.rstrip("\n").split("\t")
    for col in cols[1:]:
        for n in col.split("|"):
            if n:
                countries.add(n.upper())
rows = {}
for r in csv.DictReader(open(f"{REF}/petrarch2/cameo_country_aliases.tsv"), delimiter="\t"):
    a2 = a3_to_a2.get(r["cameo_code"])
    alias = r["alias"].strip()
    if not a2 or alias == r["canonical"] or alias.upper() in countries:
        continue
    if len(alias) < 4 or not all(c.isalpha() or c in " .'-" for c in alias):
        continue
    if alias.endswith("-") or " STATE" in alias or alias.startswith("THE "):
        continue
    rows.setdefault(alias, a2)
print("# Places (cities, provinces, regions, landmarks) and their ISO 3166-1 alpha-2 country.")
print("# DERIVED by scripts/derive_places.py from github.com/openeventdata/petrarch2")
print("# (commit 676801cd9cb2924bbbad09f86d15c9323e7097bf, petrarch2/data/dictionaries/")
print("# Phoenix.Countries.actors.txt '+' synonym blocks; MIT licence, see LICENSE-petrarch2).")
print("# Columns: NAME (upper case as in the source) <TAB> alpha2.")
for alias, a2 in sorted(rows.items()):
    print(f"{alias}\t{a2}")
