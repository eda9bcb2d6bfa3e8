"""The words the demo is made of: names, a catalogue, reasons, and the shape of its time."""

from __future__ import annotations

DAY = 86_400
HOUR = 3600
# The generated history ends this many seconds before now; the notifications fill the gap.
QUIET = 600


def words(text: str) -> tuple[str, ...]:
    """The words of a text: long lists of names written as prose."""
    return tuple(text.split())


STAFF = ("maria.k", "jonas", "priya.s", "sam.okafor", "lee")
BUSINESSES = (
    "Northwind Outfitters",
    "Harbor & Pine Supply",
    "Blue Ridge Cycles",
    "Copperfield Home",
    "Lumen Kitchenware",
)
FIRST_NAMES = words(
    "Ada Alan Amara Ana Anders Aiko Beatriz Ben Carla Chen Chloe Dario Dmitri Elena Emma "
    "Farah Felix Freya Gabriel Grace Hana Hugo Ines Isaac Jamal Jana Jonas Julia Kai Kenji "
    "Lara Leo Lina Lucas Maja Malik Marco Maria Mateo Maya Mei Nadia Nico Noah Nora Olga "
    "Omar Oscar Paula Pedro Priya Rafael Rosa Ruth Sami Sara Sofia Tariq Theo Tomas Uma Vera "
    "Victor Wei Yara Yusuf Zoe"
)
LAST_NAMES = words(
    "Abbott Adeyemi Almeida Andersen Bauer Becker Bianchi Brennan Castillo Chen Costa Dahl "
    "Dubois Eriksen Fischer Fontaine Garcia Gruber Haddad Hansen Hoffmann Ito Jansen Kaur "
    "Keller Khan Kim Kowalski Larsen Lindqvist Lopez Marino Meyer Moreau Murphy Nakamura "
    "Novak Okafor Olsen Patel Peters Quinn Rossi Santos Schmidt Silva Singh Sorensen Tanaka "
    "Torres Varga Vogel Wagner Walsh Weber Yilmaz Young Zhang Zimmermann"
)
MAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example.com")
# (SKU prefix, product nouns, variants): names read like a real catalogue.
CATALOGUE = (
    ("TENT", ("Two-person tent", "Ultralight tent", "Family dome tent"), ("green", "sand")),
    ("BAG", ("Sleeping bag", "Down sleeping bag", "Summer sleeping bag"), ("-5 C", "+5 C")),
    ("PACK", ("Trail backpack 40 L", "Day pack 22 L", "Expedition pack 65 L"), ("M", "L")),
    ("BIKE", ("Gravel bike", "City bike", "Cargo bike"), ("54 cm", "56 cm", "58 cm")),
    ("HLMT", ("Cycling helmet", "MTB helmet"), ("S", "M", "L")),
    ("SHOE", ("Trail running shoe", "Hiking boot", "Approach shoe"), ("EU 40", "EU 42", "EU 44")),
    ("JKT", ("Rain jacket", "Insulated jacket", "Softshell jacket"), ("S", "M", "L", "XL")),
    ("STOV", ("Camping stove", "Gas cartridge stove"), ("",)),
    ("PAN", ("Cast iron skillet 28 cm", "Saucepan 2 L", "Wok 32 cm"), ("",)),
    ("KNIF", ("Chef's knife 20 cm", "Paring knife", "Bread knife"), ("",)),
    ("LAMP", ("Headlamp 400 lm", "Lantern", "Desk lamp"), ("black", "white")),
    ("CHR", ("Folding chair", "Oak dining chair", "Office chair"), ("grey", "oak")),
)
CANCEL_REASONS = (
    None,
    "customer changed their mind",
    "found it elsewhere",
    "supplier discontinued the item",
    "duplicate order",
    "waited too long",
)
METADATA = ('{"channel":"web"}', '{"channel":"phone"}', '{"channel":"store"}', '{"gift":true}')
OPEN = {"pending": 1, "confirmed": 1, "in-production": 1, "in-transit": 1}
RANK = {"rush": 0, "expedited": 1, "standard": 2}
