"""The CRM cleanup's duplicate finder on 10,000 generated contacts with known duplicates (issue 17).

    .venv/bin/python bench/crm_duplicates.py [-n 10000] [--seed 17]

Generates people at companies (their own domains) and at free mail providers, then copies some
of them the way contact lists drift: a typo in a name, another case, accents dropped, first and
last name swapped ("Smith, John"), another address at the same company, the same mailbox at
another provider, the company's legal form written differently. Among the originals are the hard
negatives: several people at the same company, and people sharing the commonest surnames, often
at the same company too. The truth is which records were copied from which.

It prints, over pairs of records, the precision and recall of `duplicates_find` (target both at
least 95%) and its time (target under 10 s), beside a baseline measured in the same run: exact
matching on the address (case aside), as an import does; and the finder's figures as ratios of
the baseline's.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mailagent.workflows.crm.matching import (
    Contact,
    address_key,
    duplicates_find,
    folded,
)


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST = _names(
    "James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel "
    "Matthew Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy "
    "Ronald Edward Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin "
    "Scott Brandon Benjamin Samuel Gregory Alexander Patrick Frank Raymond Jack Dennis Jerry "
    "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty "
    "Margaret Sandra Ashley Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa Deborah "
    "Stephanie Rebecca Sharon Laura Cynthia Kathleen Amy Angela Shirley Anna Brenda Pamela Emma "
    "Nicole Helen Samantha Katherine Christine Debra Rachel Carolyn Janet Catherine Heather "
    "José María Zoë Jürgen François Søren Björn Åsa Chloé Renée Noël Inés Łukasz Małgorzata "
    "Zoltán Mónica Joël Anaïs Hélène Andrés Iñaki Ümit Çağla Dagný Þórunn Siobhán Seán Niamh "
    "Priya Arjun Wei Mei Hiroshi Yuki Olusegun Chidi Fatima Omar Leila Dmitri Olga Ingrid Lars"
)
LAST = _names(
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
    "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill "
    "Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Müller Schmidt "
    "Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Dubois Lefèvre Moreau Girard "
    "Bonnet Dupont Lambert Fontaine Rousseau Vincent Núñez Pérez Gómez Fernández Jiménez Álvarez "
    "Romero Navarro Domínguez Vázquez Sørensen Jørgensen Nielsen Kowalski Wiśniewski Wójcik "
    "Nowak Kovács Szabó Horváth Novák Dvořák Öztürk Y\u0131lmaz Kaya Þórsdóttir O'Brien O'Connor "
    "Murphy Kelly Walsh Byrne Ryan Gallagher Patel Shah Singh Kumar Tanaka Suzuki Watanabe Sato "
    "Okafor Adeyemi Haddad Khalil Ivanov Petrov Andersson Johansson Karlsson Lindqvist Berg"
)
COMMON = ("Smith", "Johnson", "Garcia", "Müller", "Nguyen", "Patel", "Kowalski", "Murphy")
WORDS = _names(
    "Acme Blue Harbor Summit Pine Oak River Stone Bright North Atlas Cedar Maple Silver Falcon "
    "Golden Orchard Meadow Harvest Beacon Anchor Copper Iron Coastal Alpine Prairie Willow Ember "
    "Nova Quantum Vertex Zenith Orbit Lumen Crest Cobalt Indigo Juniper Saffron Tidal Granite"
)
TRADES = _names(
    "Bakery Builders Consulting Dental Design Logistics Plumbing Print Studio Supplies Systems "
    "Trading Ventures Works Foods Garage Florist Roofing Cafe Optics Legal Accounting"
)
FORMS = ("Ltd", "Limited", "Inc", "Inc.", "LLC", "GmbH", "S.A.", "B.V.", "")
FREE = ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "gmx.de", "orange.fr")


def _ascii(text: str) -> str:
    return folded(text).replace(" ", "")


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("drop", "double", "swap", "change"))
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if kind == "swap":
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    return word[:i] + rng.choice("aeioulnrst") + word[i + 1 :]


def _strip_accents(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Population:
    def __init__(self, n: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.records: list[Contact] = []
        self.entity: list[int] = []
        self.companies = self._companies(max(n // 8, 10))
        originals = int(n * 0.8)
        people, taken = [], set()
        for i in range(originals):
            first, last, company, address = self._person(i)
            if address.lower() in taken:  # one address, one person: a clash gets a number
                local, _, domain = address.partition("@")
                address = f"{local}.{i}@{domain}"
            taken.add(address.lower())
            people.append((first, last, company, address))
        for index, (first, last, company, address) in enumerate(people):
            self._add(index, f"{first} {last}", company[0], address)
        while len(self.records) < n:
            index = self.rng.randrange(originals)
            self._add(index, *self._copy(*people[index]))

    def _companies(self, count: int) -> list[tuple[str, str, str]]:
        out, used = [], set()
        while len(out) < count:
            a, b = self.rng.choice(WORDS), self.rng.choice(TRADES)
            name = f"{a} {b}"
            domain = f"{a.lower()}{b.lower()}.example"
            if domain in used:
                name, domain = f"{name} {len(out)}", f"{a.lower()}{b.lower()}{len(out)}.example"
            used.add(domain)
            out.append((name, self.rng.choice(FORMS), domain))
        return out

    def _person(self, index: int) -> tuple[str, str, tuple[str, str], str]:
        rng = self.rng
        last = rng.choice(COMMON) if rng.random() < 0.25 else rng.choice(LAST)
        first = rng.choice(FIRST)
        if rng.random() < 0.7:
            name, form, domain = rng.choice(self.companies)
            company = (f"{name} {form}".strip(), domain, name)
            local = rng.choice(
                (f"{_ascii(first)}.{_ascii(last)}", f"{_ascii(first)[0]}{_ascii(last)}")
            )
            # Two people at one company may share a pattern and clash: a number tells them apart.
            address = f"{local}{index}@{domain}" if rng.random() < 0.3 else f"{local}@{domain}"
        else:
            company = ("", "", "")
            local = f"{_ascii(first)}.{_ascii(last)}{rng.randrange(10, 99)}"
            address = f"{local}@{rng.choice(FREE)}"
        return first, last, company, address

    def _copy(self, first, last, company, address) -> tuple[str, str, str]:
        rng = self.rng
        how = rng.choice(("typo", "case", "accents", "swap", "other_address", "other_provider"))
        name, company_name = f"{first} {last}", company[0]
        if how == "typo":
            if rng.random() < 0.5:
                name = f"{_typo(rng, first)} {last}"
            else:
                name = f"{first} {_typo(rng, last)}"
        elif how == "case":
            name, address = rng.choice((name.upper(), name.lower())), address.upper()
        elif how == "accents":
            name, company_name = _strip_accents(name), _strip_accents(company_name)
        elif how == "swap":
            name = rng.choice((f"{last}, {first}", f"{last} {first}"))
        elif how == "other_address" and company[1]:
            address = f"{_ascii(first)}_{_ascii(last)}@{company[1]}"
        else:  # the same mailbox at another provider, the company kept
            local = address.partition("@")[0]
            address = f"{local}@{rng.choice(FREE)}"
            if rng.random() < 0.3:
                name = f"{_typo(rng, first)} {last}"
        if company_name and rng.random() < 0.3:  # the legal form written another way
            company_name = f"{company[2]} {rng.choice(FORMS)}".strip()
        return name, company_name, address

    def _add(self, entity: int, name: str, company: str, address: str) -> None:
        self.records.append(Contact(len(self.records), name, company, (address,)))
        self.entity.append(entity)

    def true_pairs(self) -> set[tuple[int, int]]:
        groups: dict[int, list[int]] = defaultdict(list)
        for record, entity in enumerate(self.entity):
            groups[entity].append(record)
        return {pair for members in groups.values() for pair in combinations(members, 2)}


def exact_address_pairs(contacts: list[Contact]) -> set[tuple[int, int]]:
    by_address: dict[str, list[int]] = defaultdict(list)
    for c in contacts:
        for address in {address_key(e) for e in c.emails}:
            by_address[address].append(c.id)
    return {pair for ids in by_address.values() for pair in combinations(sorted(ids), 2)}


def _scores(found: set[tuple[int, int]], truth: set[tuple[int, int]]) -> tuple[float, float]:
    right = len(found & truth)
    return (right / len(found) if found else 1.0), (right / len(truth) if truth else 1.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--show-misses", type=int, default=0, help="print this many errors")
    args = parser.parse_args(argv)

    population = Population(args.n, args.seed)
    contacts, truth = population.records, population.true_pairs()
    by_domain: dict[str, list[int]] = defaultdict(list)
    for c in contacts:
        by_domain[c.emails[0].rpartition("@")[2].lower()].append(c.id)
    same_company = sum(
        1
        for domain, ids in by_domain.items()
        if domain.endswith(".example")
        for a, b in combinations(ids, 2)
        if population.entity[a] != population.entity[b]
    )
    print(
        f"{len(contacts):,} contacts, {len(truth):,} duplicate pairs; hard negatives: "
        f"{same_company:,} pairs of different people at the same company domain"
    )

    started = time.perf_counter()
    baseline = exact_address_pairs(contacts)
    baseline_seconds = time.perf_counter() - started

    started = time.perf_counter()
    found = {(d.a, d.b) for d in duplicates_find(contacts)}
    seconds = time.perf_counter() - started

    bp, br = _scores(baseline, truth)
    fp, fr = _scores(found, truth)
    print(f"{'':24}{'precision':>10}{'recall':>10}{'seconds':>10}")
    print(f"{'exact address (baseline)':24}{bp:>10.1%}{br:>10.1%}{baseline_seconds:>10.2f}")
    print(f"{'duplicate finder':24}{fp:>10.1%}{fr:>10.1%}{seconds:>10.2f}")
    print(
        f"finder / baseline: precision {fp / bp:.2f}x, recall {fr / br:.2f}x, "
        f"time {seconds / max(baseline_seconds, 1e-9):.0f}x"
    )
    ok = fp >= 0.95 and fr >= 0.95 and seconds < 10
    print("targets (precision and recall at least 95%, under 10 s):", "met" if ok else "NOT met")
    if args.show_misses:
        for kind, pairs in (("false", found - truth), ("missed", truth - found)):
            for a, b in sorted(pairs)[: args.show_misses]:
                print(kind, contacts[a], contacts[b], sep="\n  ")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
