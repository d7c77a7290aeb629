"""Word lists and group settings behind the demo data (see :mod:`segmentation.demo.shop`).

Everything here is fictional: brand names are invented, phone numbers use the 555-01xx block
reserved for fiction, and e-mail domains are the reserved ``example.*`` domains.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CATEGORIES",
    "CHANNELS",
    "CITIES",
    "EMAIL_DOMAINS",
    "FEMALE_FIRST_NAMES",
    "GENDERS",
    "GROUPS",
    "LAST_NAMES",
    "MALE_FIRST_NAMES",
    "REGIONS",
    "CategorySpec",
    "GroupSpec",
]


@dataclass(frozen=True)
class CategorySpec:
    """One product category: how many products, its three brands (budget, mid, premium) and items.

    ``items`` pairs a readable item name with its typical mid-brand price in dollars;
    ``variants`` are suffixes (sizes, colours, editions) with a price multiplier.
    """

    name: str
    n_products: int
    brands: tuple[str, str, str]
    items: tuple[tuple[str, float], ...]
    variants: tuple[tuple[str, float], ...]
    quantity_rate: float
    """Mean of the extra units bought per line (1 + Poisson(rate)): groceries come in multiples."""
    return_rate: float
    """Relative chance that a line of this category is returned (fashion most, groceries never)."""


CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec(
        "Electronics",
        28,
        ("Voltix", "Northwave", "Aurelia"),
        (
            ("Wireless Earbuds", 59.0),
            ("Bluetooth Speaker", 45.0),
            ("Smartwatch", 179.0),
            ("Noise-Cancelling Headphones", 149.0),
            ("USB-C Charger 65W", 29.0),
            ("Tablet 10-inch", 259.0),
            ("E-Reader", 119.0),
            ("Action Camera", 199.0),
            ("Portable SSD 1TB", 89.0),
            ("Smart Home Hub", 79.0),
        ),
        (("", 1.0), ("Black", 1.0), ("White", 1.0), ("Pro", 1.45), ("Mini", 0.75)),
        0.05,
        1.2,
    ),
    CategorySpec(
        "Home & Kitchen",
        40,
        ("HomeBasics", "Maison Claire", "Copperleaf"),
        (
            ("Chef's Knife", 39.0),
            ("Non-Stick Frying Pan", 34.0),
            ("Cotton Bath Towel Set", 29.0),
            ("Scented Candle", 14.0),
            ("French Press", 27.0),
            ("Storage Jar Set", 19.0),
            ("Linen Duvet Cover", 69.0),
            ("Cutting Board", 22.0),
            ("Table Lamp", 49.0),
            ("Dish Soap Refill 1L", 6.5),
            ("Microfiber Cloths 12-pack", 9.0),
            ("Stand Mixer", 229.0),
        ),
        (("", 1.0), ("Grey", 1.0), ("Sage", 1.0), ("Large", 1.3), ("Small", 0.8)),
        0.25,
        0.8,
    ),
    CategorySpec(
        "Beauty",
        34,
        ("PureGlow", "Lune", "Maison Iris"),
        (
            ("Hydrating Face Cream 50ml", 24.0),
            ("Vitamin C Serum 30ml", 32.0),
            ("Matte Lipstick", 18.0),
            ("Eau de Parfum 50ml", 64.0),
            ("Gentle Cleanser 200ml", 14.0),
            ("Mascara", 16.0),
            ("Hair Repair Mask", 21.0),
            ("Mineral Sunscreen SPF 50", 19.0),
            ("Night Recovery Oil", 42.0),
        ),
        (("", 1.0), ("Travel Size", 0.55), ("Value Size", 1.5), ("Sensitive", 1.05)),
        0.3,
        0.6,
    ),
    CategorySpec(
        "Fashion",
        38,
        ("Everyday Co", "Harbor & Pine", "Atelier Noor"),
        (
            ("Crew Neck T-Shirt", 19.0),
            ("Slim Fit Jeans", 59.0),
            ("Merino Sweater", 89.0),
            ("Rain Jacket", 99.0),
            ("Leather Belt", 35.0),
            ("Canvas Sneakers", 55.0),
            ("Wool Scarf", 39.0),
            ("Linen Shirt", 49.0),
            ("Ankle Socks 5-pack", 14.0),
            ("Leather Tote Bag", 129.0),
        ),
        (("", 1.0), ("Navy", 1.0), ("Black", 1.0), ("Olive", 1.0), ("Limited Edition", 1.35)),
        0.1,
        2.6,
    ),
    CategorySpec(
        "Sports & Outdoors",
        30,
        ("TrailMate", "Summit Supply", "Alpenflux"),
        (
            ("Yoga Mat", 29.0),
            ("Running Shoes", 95.0),
            ("Insulated Water Bottle 750ml", 24.0),
            ("2-Person Tent", 179.0),
            ("Trekking Poles", 59.0),
            ("Cycling Helmet", 69.0),
            ("Resistance Bands Set", 19.0),
            ("Daypack 25L", 65.0),
            ("Sleeping Bag", 119.0),
            ("Energy Bars 12-pack", 16.0),
        ),
        (("", 1.0), ("Blue", 1.0), ("Orange", 1.0), ("Ultralight", 1.4)),
        0.2,
        1.1,
    ),
    CategorySpec(
        "Books",
        30,
        ("Paperleaf Press", "Lantern Books", "Folio House"),
        (
            ("Mystery Novel", 14.0),
            ("Weeknight Cookbook", 27.0),
            ("Travel Guide", 22.0),
            ("Children's Picture Book", 11.0),
            ("Science Explained", 18.0),
            ("Gardening Handbook", 24.0),
            ("Historical Fiction", 16.0),
            ("Puzzle Book", 9.0),
            ("Business Strategy", 26.0),
        ),
        (("Paperback", 1.0), ("Hardcover", 1.6), ("Box Set", 2.5)),
        0.1,
        0.4,
    ),
    CategorySpec(
        "Toys & Games",
        26,
        ("Playbright", "Kinder Kraft", "Wonderloom"),
        (
            ("Building Blocks 500pc", 39.0),
            ("Family Board Game", 29.0),
            ("Jigsaw Puzzle 1000pc", 19.0),
            ("Plush Bear", 17.0),
            ("Remote Control Car", 49.0),
            ("Art & Craft Kit", 24.0),
            ("Card Game", 12.0),
            ("Wooden Train Set", 59.0),
        ),
        (("", 1.0), ("Deluxe", 1.5), ("Travel Edition", 0.7)),
        0.1,
        0.7,
    ),
    CategorySpec(
        "Grocery",
        36,
        ("Daily Harvest", "Green Valley", "Terroir Fine Foods"),
        (
            ("Organic Green Tea", 5.5),
            ("Dark Roast Coffee Beans", 11.0),
            ("Extra Virgin Olive Oil", 9.5),
            ("Whole Wheat Pasta", 2.2),
            ("Granola", 4.8),
            ("Dark Chocolate 70%", 3.2),
            ("Basmati Rice", 4.2),
            ("Mixed Nuts", 7.5),
            ("Tomato Passata", 2.4),
            ("Wildflower Honey", 8.0),
            ("Oat Milk 1L", 2.6),
            ("Sparkling Water 6-pack", 4.5),
        ),
        (("250g", 1.0), ("500g", 1.7), ("Family Pack", 2.6), ("Multipack", 2.1)),
        1.0,
        0.0,
    ),
    CategorySpec(
        "Pet Supplies",
        20,
        ("Happy Paws", "Wag & Whisker", "Noble Pet"),
        (
            ("Dry Dog Food 5kg", 34.0),
            ("Cat Litter 10L", 14.0),
            ("Chew Toy", 9.0),
            ("Grain-Free Cat Food 2kg", 24.0),
            ("Dog Leash", 19.0),
            ("Pet Bed", 49.0),
            ("Dental Treats", 11.0),
            ("Scratching Post", 39.0),
        ),
        (("", 1.0), ("Large", 1.4), ("Small", 0.8)),
        0.45,
        0.4,
    ),
    CategorySpec(
        "Garden",
        18,
        ("GreenThumb", "Bloom & Root", "Orchard Lane"),
        (
            ("Pruning Shears", 24.0),
            ("Flower Seed Mix", 6.0),
            ("Garden Hose 25m", 39.0),
            ("Potting Soil 40L", 12.0),
            ("Ceramic Planter", 29.0),
            ("Solar Garden Lights 6-pack", 34.0),
            ("Gardening Gloves", 12.0),
            ("Raised Bed Kit", 89.0),
        ),
        (("", 1.0), ("Large", 1.35), ("Terracotta", 1.05)),
        0.3,
        0.5,
    ),
)

# Brand tiers scale the mid-brand price: budget, mid, premium.
BRAND_PRICE_FACTORS = (0.72, 1.0, 1.45)


@dataclass(frozen=True)
class GroupSpec:
    """A planted customer group: its share and how its members sign up, buy and look.

    Day offsets count from the first day of the order history (day 0); the history is 730 days.
    ``category_weights`` follow the order of :data:`CATEGORIES`; ``style_weights`` are the
    chances of preferring the budget, mid or premium brand of a category.
    """

    name: str
    share: float
    signup_days: tuple[int, int]
    orders_per_year: float
    lines_per_order: float
    favourite_share: float
    discount_chance: float
    category_weights: tuple[float, ...]
    style_weights: tuple[float, float, float]
    mean_age: float
    female_share: float
    consent_share: float
    channel_weights: tuple[float, ...]
    region_weights: tuple[float, ...]


CHANNELS = ("Online ads", "Social", "Search", "Referral", "In-store", "Email")
REGIONS = ("Northeast", "Midwest", "South", "West")

GROUPS: tuple[GroupSpec, ...] = (
    GroupSpec(
        name="loyal big spenders",
        share=0.12,
        signup_days=(-2200, 250),
        orders_per_year=10.5,
        lines_per_order=1.5,
        favourite_share=0.55,
        discount_chance=0.03,
        #                 El    H&K   Bea   Fas   Spo   Boo   Toy   Gro   Pet   Gar
        category_weights=(0.30, 0.09, 0.22, 0.19, 0.05, 0.04, 0.03, 0.04, 0.02, 0.02),
        style_weights=(0.1, 0.3, 0.6),
        mean_age=45.0,
        female_share=0.55,
        consent_share=0.91,
        channel_weights=(0.10, 0.10, 0.18, 0.24, 0.22, 0.16),
        region_weights=(0.32, 0.18, 0.22, 0.28),
    ),
    GroupSpec(
        name="bargain hunters",
        share=0.20,
        signup_days=(-1800, 400),
        orders_per_year=11.0,
        lines_per_order=0.3,
        favourite_share=0.6,
        discount_chance=0.55,
        category_weights=(0.02, 0.22, 0.05, 0.04, 0.02, 0.05, 0.05, 0.48, 0.05, 0.02),
        style_weights=(0.7, 0.25, 0.05),
        mean_age=38.0,
        female_share=0.56,
        consent_share=0.88,
        channel_weights=(0.18, 0.22, 0.18, 0.08, 0.10, 0.24),
        region_weights=(0.18, 0.30, 0.36, 0.16),
    ),
    GroupSpec(
        name="lapsed",
        share=0.18,
        signup_days=(-1800, 120),
        orders_per_year=4.5,
        lines_per_order=0.8,
        favourite_share=0.4,
        discount_chance=0.08,
        category_weights=(0.10, 0.14, 0.10, 0.17, 0.08, 0.12, 0.11, 0.08, 0.05, 0.05),
        style_weights=(0.34, 0.33, 0.33),
        mean_age=41.0,
        female_share=0.5,
        consent_share=0.80,
        channel_weights=(0.30, 0.20, 0.20, 0.08, 0.12, 0.10),
        region_weights=(0.24, 0.24, 0.30, 0.22),
    ),
    GroupSpec(
        name="new",
        share=0.12,
        signup_days=(638, 729),
        orders_per_year=0.0,
        lines_per_order=0.8,
        favourite_share=0.3,
        discount_chance=0.15,
        category_weights=(0.12, 0.12, 0.14, 0.21, 0.08, 0.09, 0.08, 0.08, 0.04, 0.04),
        style_weights=(0.34, 0.33, 0.33),
        mean_age=31.0,
        female_share=0.52,
        consent_share=0.85,
        channel_weights=(0.26, 0.32, 0.20, 0.10, 0.06, 0.06),
        region_weights=(0.24, 0.22, 0.28, 0.26),
    ),
    GroupSpec(
        name="occasional",
        share=0.28,
        signup_days=(-2200, 450),
        orders_per_year=1.5,
        lines_per_order=0.8,
        favourite_share=0.35,
        discount_chance=0.08,
        category_weights=(0.10, 0.16, 0.10, 0.12, 0.07, 0.14, 0.12, 0.08, 0.04, 0.07),
        style_weights=(0.34, 0.33, 0.33),
        mean_age=42.0,
        female_share=0.5,
        consent_share=0.85,
        channel_weights=(0.20, 0.16, 0.26, 0.12, 0.16, 0.10),
        region_weights=(0.24, 0.26, 0.30, 0.20),
    ),
    GroupSpec(
        name="outdoor & pet enthusiasts",
        share=0.10,
        signup_days=(-2000, 450),
        orders_per_year=4.5,
        lines_per_order=0.8,
        favourite_share=0.6,
        discount_chance=0.08,
        category_weights=(0.04, 0.04, 0.02, 0.05, 0.40, 0.03, 0.02, 0.05, 0.25, 0.10),
        style_weights=(0.25, 0.4, 0.35),
        mean_age=36.0,
        female_share=0.44,
        consent_share=0.86,
        channel_weights=(0.16, 0.26, 0.22, 0.18, 0.10, 0.08),
        region_weights=(0.14, 0.20, 0.22, 0.44),
    ),
)

GENDERS = ("Female", "Male", "Non-binary", "Prefer not to say")
EMAIL_DOMAINS = ("example.com", "example.org", "example.net")

# (city, region, area code, relative size)
CITIES: tuple[tuple[str, str, str, float], ...] = (
    ("New York", "Northeast", "212", 8.0),
    ("Boston", "Northeast", "617", 2.0),
    ("Philadelphia", "Northeast", "215", 3.0),
    ("Pittsburgh", "Northeast", "412", 1.0),
    ("Providence", "Northeast", "401", 0.6),
    ("Hartford", "Northeast", "860", 0.5),
    ("Buffalo", "Northeast", "716", 0.6),
    ("Chicago", "Midwest", "312", 5.0),
    ("Detroit", "Midwest", "313", 1.5),
    ("Minneapolis", "Midwest", "612", 1.5),
    ("Columbus", "Midwest", "614", 1.5),
    ("Milwaukee", "Midwest", "414", 1.0),
    ("Kansas City", "Midwest", "816", 1.0),
    ("St. Louis", "Midwest", "314", 1.0),
    ("Indianapolis", "Midwest", "317", 1.2),
    ("Houston", "South", "713", 4.5),
    ("Dallas", "South", "214", 3.5),
    ("Atlanta", "South", "404", 2.5),
    ("Miami", "South", "305", 2.0),
    ("Charlotte", "South", "704", 1.5),
    ("Nashville", "South", "615", 1.3),
    ("Austin", "South", "512", 2.0),
    ("Orlando", "South", "407", 1.2),
    ("Raleigh", "South", "919", 1.0),
    ("New Orleans", "South", "504", 0.8),
    ("Los Angeles", "West", "213", 6.0),
    ("San Francisco", "West", "415", 2.0),
    ("Seattle", "West", "206", 2.0),
    ("Denver", "West", "303", 1.8),
    ("Portland", "West", "503", 1.3),
    ("Phoenix", "West", "602", 3.0),
    ("San Diego", "West", "619", 2.5),
    ("Salt Lake City", "West", "801", 0.9),
    ("Boise", "West", "208", 0.5),
    ("Albuquerque", "West", "505", 0.6),
)

FEMALE_FIRST_NAMES = (
    "Olivia", "Emma", "Ava", "Sophia", "Isabella", "Mia", "Amelia", "Harper", "Evelyn", "Abigail",
    "Emily", "Ella", "Elizabeth", "Camila", "Luna", "Sofia", "Avery", "Mila", "Aria", "Scarlett",
    "Penelope", "Layla", "Chloe", "Victoria", "Madison", "Eleanor", "Grace", "Nora", "Riley", "Zoey",
    "Hannah", "Hazel", "Lily", "Ellie", "Violet", "Lillian", "Zoe", "Stella", "Aurora", "Natalie",
    "Emilia", "Everly", "Leah", "Aubrey", "Willow", "Addison", "Lucy", "Audrey", "Bella", "Nova",
    "María", "Lucía", "Priya", "Aisha", "Mei", "Yuki", "Fatima", "Chloé", "Zoë", "Renée",
    "Ana", "Keisha", "Imani", "Sara", "Noor", "Ingrid", "Siobhan", "Anh", "Ji-woo", "Valentina",
)  # fmt: skip

MALE_FIRST_NAMES = (
    "Liam", "Noah", "Oliver", "Elijah", "James", "William", "Benjamin", "Lucas", "Henry", "Theodore",
    "Jack", "Levi", "Alexander", "Jackson", "Mateo", "Daniel", "Michael", "Mason", "Sebastian", "Ethan",
    "Logan", "Owen", "Samuel", "Jacob", "Asher", "Aiden", "John", "Joseph", "Wyatt", "David",
    "Leo", "Luke", "Julian", "Hudson", "Grayson", "Matthew", "Ezra", "Gabriel", "Carter", "Isaac",
    "Jayden", "Luca", "Anthony", "Dylan", "Lincoln", "Thomas", "Maverick", "Elias", "Josiah", "Charles",
    "José", "Diego", "Raj", "Omar", "Wei", "Hiroshi", "Kwame", "Andrés", "Björn", "Seán",
    "Malik", "Darnell", "Arjun", "Minh", "Tomás", "Yusuf", "Mohammed", "Chen", "Pavel", "Dmitri",
)  # fmt: skip

LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
    "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
    "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
    "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
    "Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes",
    "Stewart", "Morris", "Morales", "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper",
    "Peterson", "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson",
    "O'Brien", "O'Connor", "García", "Muñoz", "Müller", "Schmidt", "Kowalski", "Patel", "Shah", "Singh",
    "Chen", "Wang", "Li", "Zhang", "Tanaka", "Sato", "Park", "Choi", "Okafor", "Mensah",
    "Haddad", "Khan", "Ali", "Novak", "Rossi", "Bianchi", "Dubois", "Lefèvre", "Van der Berg", "De la Cruz",
    "Jensen", "Nielsen", "Johansson", "Ivanov", "Popescu", "Byrne", "MacLeod", "Fitzgerald", "Hughes",
)  # fmt: skip
