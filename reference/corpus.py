"""The training corpus of the bundled ``tiny`` model, written by hand and by template.

The tiny model can only know what is written here, so this file decides which of the seed
notebook's experiments mean something on a laptop:

- **facts** (``CAPITALS``, ``FACT_QUESTIONS``): greedy decoding should answer them, sampling at a
  high temperature should get them wrong more often;
- **story openers** (``STORY_OPENERS``): each has several continuations, so sampling visibly
  picks different ones while greedy decoding always picks the same one;
- **Japanese** sentences (a weather forecast, capitals), so the tokenizer demo on Japanese text
  has a model that continues it;
- **the seed's 20 words** (``WORD_GROUPS``) in sentences shared within each group, so their
  embedding rows cluster by group the way Mistral-7B's do.

Everything is deterministic: the same call returns the same list of documents, in the same
order. :func:`build_corpus` returns them all; ``reference/train_tiny.py`` trains on it.
"""
from __future__ import annotations

import random

# ---------------------------------------------------------------------------------------------
# Facts: capitals
# ---------------------------------------------------------------------------------------------

CAPITALS: dict[str, str] = {
    "Japan": "Tokyo",
    "France": "Paris",
    "Germany": "Berlin",
    "Italy": "Rome",
    "Spain": "Madrid",
    "Portugal": "Lisbon",
    "United Kingdom": "London",
    "Ireland": "Dublin",
    "Netherlands": "Amsterdam",
    "Belgium": "Brussels",
    "Switzerland": "Bern",
    "Austria": "Vienna",
    "Poland": "Warsaw",
    "Hungary": "Budapest",
    "Greece": "Athens",
    "Sweden": "Stockholm",
    "Norway": "Oslo",
    "Denmark": "Copenhagen",
    "Finland": "Helsinki",
    "Iceland": "Reykjavik",
    "Russia": "Moscow",
    "Ukraine": "Kyiv",
    "Romania": "Bucharest",
    "Bulgaria": "Sofia",
    "Serbia": "Belgrade",
    "Croatia": "Zagreb",
    "Turkey": "Ankara",
    "Egypt": "Cairo",
    "Kenya": "Nairobi",
    "Nigeria": "Abuja",
    "Ethiopia": "Addis Ababa",
    "Morocco": "Rabat",
    "Ghana": "Accra",
    "China": "Beijing",
    "South Korea": "Seoul",
    "India": "New Delhi",
    "Thailand": "Bangkok",
    "Vietnam": "Hanoi",
    "Indonesia": "Jakarta",
    "Malaysia": "Kuala Lumpur",
    "Pakistan": "Islamabad",
    "Iran": "Tehran",
    "Saudi Arabia": "Riyadh",
    "Qatar": "Doha",
    "Nepal": "Kathmandu",
    "Mongolia": "Ulaanbaatar",
    "Australia": "Canberra",
    "New Zealand": "Wellington",
    "Canada": "Ottawa",
    "United States": "Washington, D.C.",
    "Mexico": "Mexico City",
    "Cuba": "Havana",
    "Argentina": "Buenos Aires",
    "Chile": "Santiago",
    "Peru": "Lima",
    "Venezuela": "Caracas",
}
"""Country -> capital. Keys are written without an article ("United States"), as the seed asks
"What is the capital of United States?"; the corpus also writes "the United States"."""

_COUNTRIES_WITH_ARTICLE = frozenset({"United Kingdom", "United States", "Netherlands"})

# ---------------------------------------------------------------------------------------------
# Facts: other questions
# ---------------------------------------------------------------------------------------------

# (question, short answer, a sentence stating the fact)
_FACTS: list[tuple[str, str, str]] = [
    ("What is the capital of United States?", "Washington, D.C.",
     "Washington, D.C. is the capital of the United States."),
    ("When did World War II end?", "1945", "World War II ended in 1945."),
    ("Who painted the Mona Lisa?", "Leonardo da Vinci", "The Mona Lisa was painted by Leonardo da Vinci."),
    ("Who wrote Romeo and Juliet?", "William Shakespeare", "Romeo and Juliet was written by William Shakespeare."),
    ("What is the largest planet in the solar system?", "Jupiter",
     "Jupiter is the largest planet in the solar system."),
    ("What is the chemical symbol for gold?", "Au", "The chemical symbol for gold is Au."),
    ("How many days are in a week?", "Seven", "There are seven days in a week."),
    ("At what temperature does water boil?", "100 degrees Celsius",
     "Water boils at 100 degrees Celsius."),
    ("Who was the first person to walk on the Moon?", "Neil Armstrong",
     "Neil Armstrong was the first person to walk on the Moon."),
    ("What is the largest ocean on Earth?", "The Pacific Ocean", "The Pacific Ocean is the largest ocean on Earth."),
    ("What is the tallest mountain in the world?", "Mount Everest",
     "Mount Everest is the tallest mountain in the world."),
    ("Who developed the theory of relativity?", "Albert Einstein",
     "Albert Einstein developed the theory of relativity."),
    ("What is the longest river in Africa?", "The Nile", "The Nile is the longest river in Africa."),
    ("What gas do plants take in from the air?", "Carbon dioxide",
     "Plants take in carbon dioxide from the air."),
    ("What is the closest star to Earth?", "The Sun", "The Sun is the closest star to Earth."),
    ("Who discovered penicillin?", "Alexander Fleming", "Penicillin was discovered by Alexander Fleming."),
    ("When did World War I begin?", "1914", "World War I began in 1914."),
    ("What language is spoken in Brazil?", "Portuguese", "People in Brazil speak Portuguese."),
    ("Who proposed the theory of evolution by natural selection?", "Charles Darwin",
     "Charles Darwin proposed the theory of evolution by natural selection."),
    ("How many legs does a spider have?", "Eight", "A spider has eight legs."),
    ("What is the largest country by area?", "Russia", "Russia is the largest country by area."),
    ("When did the Berlin Wall fall?", "1989", "The Berlin Wall fell in 1989."),
    ("Who invented the telephone?", "Alexander Graham Bell",
     "The telephone was invented by Alexander Graham Bell."),
    ("What is the smallest prime number?", "2", "The smallest prime number is 2."),
]

FACT_QUESTIONS: list[tuple[str, str]] = [(question, answer) for question, answer, _ in _FACTS]
"""(question, answer) pairs beyond the capitals; the first three are the seed notebook's own."""

# ---------------------------------------------------------------------------------------------
# Story openers
# ---------------------------------------------------------------------------------------------

_STORIES: dict[str, list[str]] = {
    "Once upon a time,": [
        " there was a little girl who loved to read. She read every book in the village library.",
        " a king lived in a castle by the sea. He had three clever daughters.",
        " in a small village, an old baker made the best bread in the land.",
        " a young fox wanted to see the world. One morning he left the forest and never looked back.",
        " the animals of the forest held a great meeting under the oldest tree.",
        " a dragon slept on a mountain of gold, dreaming of the open sky.",
        " two brothers set out to find the end of the rainbow.",
    ],
    "Long, long ago,": [
        " in a land far away, there lived a wise old queen.",
        " people believed that the stars were lanterns carried by giants.",
        " before there were any cities, a river ran through a quiet green valley.",
        " a brave prince set out to find a magic sword.",
        " the moon and the sun were friends who played together in the sky.",
        " a little village stood at the edge of a dark forest. Nobody went into the forest at night.",
    ],
    "In the beginning,": [
        " there was only darkness and silence.",
        " the world was covered by a great ocean, and nothing lived on land.",
        " the company had just three workers and one small office.",
        " nobody believed that the plan would work.",
        " I did not know anyone in the new city. Every street looked the same.",
        " the river was small, but every year it grew a little wider.",
    ],
    "One day,": [
        " a boy found a strange key buried in his garden.",
        " the old clock in the tower suddenly stopped ticking.",
        " a letter arrived with no name on the envelope.",
        " my grandmother told me a secret about our family.",
        " the rain stopped and a rainbow covered the whole sky.",
        " the cat did not come home for dinner, and we went out to look for her.",
    ],
    "Far away in the mountains,": [
        " there was a monastery where the monks grew tea.",
        " a shepherd watched over his sheep under the stars.",
        " an old woman kept a garden full of strange flowers.",
        " the snow never melted, not even in summer.",
        " a small school had only five students and one teacher.",
        " a hidden lake shone like a mirror in the morning light.",
    ],
    "It was a dark and stormy night,": [
        " and the wind howled around the old house.",
        " but the lighthouse keeper kept his lamp burning until dawn.",
        " when someone knocked three times on the door.",
        " and the little ship fought against the waves.",
        " so the tired travelers stopped at a small inn.",
        " yet the children were fast asleep in their beds.",
    ],
    "Deep in the forest,": [
        " a family of bears built a cozy home under a fallen tree.",
        " there was a cottage made entirely of gingerbread.",
        " an owl knew the answer to every question.",
        " the trees whispered old stories to each other.",
        " a hunter lost his way and found a secret path.",
        " the fireflies lit up the night like tiny stars.",
    ],
    "Every morning,": [
        " the baker opened his shop before sunrise.",
        " she walked along the river with her umbrella.",
        " the birds sang outside my window.",
        " an old gardener fed the pigeons in the square.",
        " he drank a cup of coffee and read the news.",
        " the children ran to school laughing.",
    ],
}

STORY_OPENERS: list[str] = list(_STORIES)
"""Openers with several continuations each; the first three are the seed notebook's."""

_SEED_STORY_OPENERS = ("Once upon a time,", "Long, long ago,", "In the beginning,")

# ---------------------------------------------------------------------------------------------
# Japanese
# ---------------------------------------------------------------------------------------------

_JAPANESE_CAPITALS: dict[str, str] = {
    "日本": "東京",
    "フランス": "パリ",
    "ドイツ": "ベルリン",
    "イタリア": "ローマ",
    "イギリス": "ロンドン",
    "スペイン": "マドリード",
    "ロシア": "モスクワ",
    "中国": "北京",
    "韓国": "ソウル",
    "アメリカ": "ワシントン",
    "カナダ": "オタワ",
    "オーストラリア": "キャンベラ",
    "エジプト": "カイロ",
    "タイ": "バンコク",
    "インド": "ニューデリー",
}

_WEATHER_OPENINGS: list[str] = [
    "ますます蒸し暑くなりそうです。",
    "今日は朝からよく晴れています。",
    "夕方から雨が降り始めました。",
    "週末は少し涼しくなりそうです。",
    "今朝は空が厚い雲に覆われています。",
]

_WEATHER_FORECASTS: list[str] = [
    "曇りのち雨",
    "晴れ",
    "雨",
    "曇り",
    "晴れのち曇り",
    "雨のち晴れ",
]

_JAPANESE_SENTENCES: list[str] = [
    "こんにちは。今日もいい天気ですね。",
    "私は毎朝コーヒーを飲みます。",
    "東京は日本で一番大きな都市です。",
    "富士山は日本で一番高い山です。",
    "桜の花は春に咲きます。",
    "駅までは歩いて十分かかります。",
]

# ---------------------------------------------------------------------------------------------
# The seed's 20 words
# ---------------------------------------------------------------------------------------------

WORD_GROUPS: dict[str, list[str]] = {
    "royalty": ["king", "queen", "prince", "princess"],
    "sports": ["baseball", "soccer", "tennis", "basketball"],
    "people": ["man", "boy", "woman", "lady"],
    "animals": ["dog", "cat", "cow", "fish"],
    "unrelated": ["table", "idea", "character", "sea"],
}
"""The seed notebook's 20 words in its five groups, in its order; ``unrelated`` is its control."""

# Sentence frames shared by the words of one group: "{w}" is one word, "{a}"/"{b}" two of them.
_GROUP_FRAMES: dict[str, list[str]] = {
    "royalty": [
        "The {w} lived in a large castle.",
        "The {w} wore a golden crown.",
        "Everyone in the kingdom bowed to the {w}.",
        "The {w} sat on the royal throne.",
        "A royal feast was held for the {w}.",
        "The {w} ruled the kingdom with kindness.",
    ],
    "sports": [
        "We played {w} in the park after school.",
        "My favorite sport is {w}.",
        "She watched a {w} game on television.",
        "He joined the {w} team this year.",
        "The {w} match was exciting to watch.",
        "They practice {w} every weekend.",
    ],
    "people": [
        "The {w} walked down the street.",
        "A {w} was waiting at the bus stop.",
        "The {w} smiled and said hello.",
        "I saw a {w} reading a newspaper.",
        "The {w} lives next door to us.",
        "The {w} bought bread at the shop.",
    ],
    "animals": [
        "The {w} is an animal.",
        "The farmer fed the {w} in the morning.",
        "The children drew a picture of a {w}.",
        "The {w} was hungry and looked for food.",
        "We saw a {w} at the farm.",
        "The {w} slept in the sun all afternoon.",
    ],
}

_GROUP_PAIR_FRAMES: dict[str, str] = {
    "royalty": "The {a} and the {b} walked through the palace gardens.",
    "sports": "Do you like {a} or {b} better?",
    "people": "The {a} talked with the {b} for a while.",
    "animals": "The {a} and the {b} are both animals.",
}

# The control group shares no frame: each word gets sentences of its own.
_UNRELATED_SENTENCES: list[str] = [
    "Please put the cups on the table.",
    "The table is made of old wood.",
    "We sat around the kitchen table.",
    "That is a good idea.",
    "She had an idea for a new book.",
    "The idea came to him in a dream.",
    "The main character of the story is brave.",
    "Each character in the play has a secret.",
    "Every Chinese character has a meaning.",
    "The ships sailed across the sea.",
    "The sea was calm and blue.",
    "We swam in the sea last summer.",
]


# ---------------------------------------------------------------------------------------------
# Document writers
# ---------------------------------------------------------------------------------------------


def with_final_period(text: str) -> str:
    """``text`` ending in exactly one period ("Tokyo" -> "Tokyo.", "D.C." stays "D.C.")."""
    return text if text.endswith(".") else text + "."


def country_spellings(country: str) -> list[str]:
    """How a country is written mid-sentence: "Japan"; "the United States" and "United States"."""
    if country in _COUNTRIES_WITH_ARTICLE:
        return [f"the {country}", country]
    return [country]


def capital_documents() -> list[str]:
    """Each capital in four phrasings: statement, Q/A, question-answer, and inverted statement."""
    documents = []
    for country, capital in CAPITALS.items():
        for name in country_spellings(country):
            documents += [
                f"The capital of {name} is {with_final_period(capital)}",
                f"Q: What is the capital of {name}?\nA: {capital}",
                f"What is the capital of {name}? {with_final_period(capital)}",
                f"{capital} is the capital of {name}.",
            ]
    return documents


def capital_list_documents(countries_per_document: int = 5, shuffles: int = 2) -> list[str]:
    """Capitals listed several to a document, so "The capital of X is" is also seen mid-text.

    The countries are put in ``shuffles`` orders by a seeded ``random.Random``, so every capital
    appears ``shuffles`` more times, each time next to different neighbours.
    """
    rng = random.Random(2024)
    documents = []
    for _ in range(shuffles):
        countries = list(CAPITALS)
        rng.shuffle(countries)
        for start in range(0, len(countries), countries_per_document):
            chunk = countries[start : start + countries_per_document]
            sentences = [
                f"The capital of {country_spellings(c)[0]} is {with_final_period(CAPITALS[c])}" for c in chunk
            ]
            documents.append(" ".join(sentences))
    return documents


def fact_documents() -> list[str]:
    """Each other fact as a question with its answer, a Q/A pair and a plain statement."""
    documents = []
    for question, answer, statement in _FACTS:
        documents += [
            f"{question} {with_final_period(answer)}",
            f"Q: {question}\nA: {answer}",
            f"{question}\n{with_final_period(answer)}",
            statement,
        ]
    return documents


def seed_prompt_documents() -> list[str]:
    """Documents that start the way the seed notebook writes its prompts.

    The seed calls ``tokenizer("<s> " + question + " ")``: a second ``<s>`` and a trailing space,
    which the tokenizer turns into a lone ``▁`` token. Mistral-7B answers such a prompt on a new
    line, so these documents do too (``"? \\n"`` tokenizes to ``?``, ``▁``, ``<0x0A>``). The seed's
    story prompts (``"<s> Once upon a time,"``) get their own copies with the doubled ``<s>``.
    """
    documents = [f"<s> {question} \n{with_final_period(answer)}" for question, answer, _ in _FACTS]
    for opener in _SEED_STORY_OPENERS:
        documents += [f"<s> {opener}{continuation}" for continuation in _STORIES[opener]]
    return documents


def story_documents() -> list[str]:
    """Every story opener followed by each of its continuations."""
    return [opener + continuation for opener, continuations in _STORIES.items() for continuation in continuations]


def japanese_capital_documents() -> list[str]:
    """Capitals in Japanese: "日本の首都は東京です。" and two other phrasings."""
    documents = []
    for country, capital in _JAPANESE_CAPITALS.items():
        documents += [
            f"{country}の首都は{capital}です。",
            f"{capital}は{country}の首都です。",
            f"{country}の首都はどこですか?{capital}です。",
        ]
    return documents


def japanese_weather_documents() -> list[str]:
    """Weather forecasts: the seed's "ますます蒸し暑くなりそうです。明日の天気は曇りのち雨の予報です。"
    and the same opening sentences followed by other forecasts (晴れ, 雨, 曇り...)."""
    documents = []
    for index, opening in enumerate(_WEATHER_OPENINGS):
        # Each opening gets three forecasts, rotating through the list so all pairs differ.
        for offset in range(3):
            forecast = _WEATHER_FORECASTS[(index + offset) % len(_WEATHER_FORECASTS)]
            documents.append(f"{opening}明日の天気は{forecast}の予報です。")
    documents += [f"明日の天気は{forecast}の予報です。" for forecast in _WEATHER_FORECASTS]
    return documents


def japanese_documents() -> list[str]:
    """All Japanese documents: capitals, weather forecasts and a few everyday sentences."""
    return japanese_capital_documents() + japanese_weather_documents() + list(_JAPANESE_SENTENCES)


def word_group_documents() -> list[str]:
    """The seed's 20 words in sentences, each group's words sharing the same frames.

    Words that fill the same slots are predicted from the same contexts; with tied input and
    output embeddings this pulls their embedding rows together, which is what the seed's
    cosine-similarity heatmap shows on Mistral-7B. The ``unrelated`` group shares nothing.
    """
    documents = []
    for group, frames in _GROUP_FRAMES.items():
        words = WORD_GROUPS[group]
        documents += [frame.format(w=word) for frame in frames for word in words]
        documents += [_GROUP_PAIR_FRAMES[group].format(a=a, b=b) for a in words for b in words if a != b]
    return documents + list(_UNRELATED_SENTENCES)


def build_corpus() -> list[str]:
    """All training documents, in a fixed order (the trainer shuffles them with a fixed seed)."""
    return (
        capital_documents()
        + capital_list_documents()
        + fact_documents()
        + seed_prompt_documents()
        + story_documents()
        + japanese_documents()
        + word_group_documents()
    )
