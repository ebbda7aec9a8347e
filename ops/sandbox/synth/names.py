"""Word lists for synthetic company, issuer and coin names."""
from __future__ import annotations

PREFIXES = (
    "Northern", "Southern", "Eastern", "Western", "Atlantic", "Pacific", "Global", "United", "American",
    "First", "Summit", "Pioneer", "Frontier", "Crescent", "Silver", "Golden", "Blue", "Red", "Green",
    "Granite", "Iron", "Cedar", "Oak", "Maple", "Harbor", "River", "Lake", "Prairie", "Canyon", "Alpine",
    "Coastal", "Metro", "Royal", "Sterling", "Vanguard", "Apex", "Zenith", "Horizon", "Evergreen",
    "Liberty", "Patriot", "Keystone", "Beacon", "Meridian", "Polar", "Solar", "Lunar", "Stellar",
    "Quantum", "Nova", "Vertex", "Orbit", "Nimbus", "Aurora", "Delta", "Sigma", "Omega", "Titan", "Falcon",
)
CORES = (
    "Dynamics", "Systems", "Technologies", "Energy", "Resources", "Pharma", "Therapeutics", "Biosciences",
    "Networks", "Semiconductor", "Software", "Robotics", "Logistics", "Materials", "Chemicals", "Foods",
    "Beverages", "Brands", "Retail", "Motors", "Aerospace", "Health", "Medical", "Insurance", "Capital",
    "Bancorp", "Financial", "Realty", "Properties", "Mining", "Metals", "Oil", "Gas", "Utilities",
    "Power", "Water", "Telecom", "Media", "Entertainment", "Gaming", "Apparel", "Industries", "Devices",
    "Instruments", "Analytics", "Data", "Cloud", "Security", "Genomics", "Diagnostics", "Shipping",
    "Airlines", "Rail", "Hotels", "Restaurants", "Education", "Agriculture", "Packaging", "Paper", "Steel",
)
SUFFIXES = ("Inc.", "Corp.", "Holdings Inc.", "Group plc", "Ltd.", "Co.", "AG", "SE", "N.V.", "LLC")

SECTORS = {
    "Technology": ("Software - Application", "Semiconductors", "Consumer Electronics", "IT Services"),
    "Healthcare": ("Biotechnology", "Drug Manufacturers", "Medical Devices", "Diagnostics & Research"),
    "Financial Services": ("Banks - Regional", "Asset Management", "Insurance - Life", "Capital Markets"),
    "Energy": ("Oil & Gas E&P", "Oil & Gas Midstream", "Uranium", "Solar"),
    "Industrials": ("Aerospace & Defense", "Railroads", "Specialty Machinery", "Trucking"),
    "Consumer Cyclical": ("Auto Manufacturers", "Restaurants", "Apparel Retail", "Leisure"),
    "Consumer Defensive": ("Packaged Foods", "Beverages - Non-Alcoholic", "Grocery Stores", "Tobacco"),
    "Basic Materials": ("Steel", "Chemicals", "Gold", "Paper & Paper Products"),
    "Real Estate": ("REIT - Office", "REIT - Residential", "Real Estate Services", "REIT - Industrial"),
    "Utilities": ("Utilities - Regulated Electric", "Utilities - Renewable", "Utilities - Regulated Water",
                  "Utilities - Diversified"),
    "Communication Services": ("Telecom Services", "Entertainment", "Internet Content & Information",
                               "Advertising Agencies"),
}

COIN_SYLLABLES = (
    "ar", "bit", "chain", "da", "el", "fi", "ga", "hex", "io", "jo", "ka", "lu", "mo", "neo", "ox",
    "pa", "qu", "ra", "sol", "ta", "ul", "vo", "wa", "xi", "yo", "ze", "nex", "tron", "dex", "flux",
    "lum", "nov", "orb", "pix", "quant", "rix", "syn", "tera", "vex", "zen",
)
COIN_WORDS = ("", "", "", " Protocol", " Network", " Finance", " Chain", " Token", " Coin", " Swap", " DAO",
              " Labs", " AI", " Inu")
COIN_TAGS = ("mineable", "pow", "pos", "defi", "smart-contracts", "layer-1", "layer-2", "memes", "gaming",
             "stablecoin", "dao", "ai-big-data", "payments", "storage", "oracles", "nft")
