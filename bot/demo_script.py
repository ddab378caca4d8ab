"""What the three demo partners answer, per language. Chosen so that every part of the
reveal appears: common ground (knowledge), matches (knowledge, money, capacity), an open
need (reputation), an unused offer (facilities), a balance warning (Bram), doubts about the
ambition (Bram) and someone giving up autonomy for what they get (Chris).

After the reveal one exchange becomes an agreement (`AGREEMENT`), and a check-in follows up
on it (`CHECKIN`): the giver and the two receivers say whether it was kept."""

from __future__ import annotations

COORDINATOR = "Dewi"
CHANNEL = "Tafel"
AMBITION = {
    "nl": "Geen jongere in de wijk valt meer tussen wal en schip.",
    "en": "No young person in the neighbourhood falls through the cracks any more.",
}

# Per partner: organisation, interests, get labels (+ note), give labels, balance label,
# ambition label (+ note), expectations, stakeholders. Labels are matched on button text.
PARTNERS = {
    "nl": {
        "Anna": dict(
            organisation="Gemeente Noorddam",
            org_interest="Minder jongeren die tussen wal en schip vallen.",
            own_interest="Ik wil laten zien dat samenwerken in de wijk echt iets oplevert.",
            gets=["Kennis", "Netwerk"], get_note="Vooral kennis over wat werkt bij jongeren.",
            gives=["Geld", "Voorzieningen"], balance="iets meer dan ik breng",
            ambition="Ja", ambition_note="We hebben budget voor twee jaar.",
            expectations="Dat iedereen eerlijk zegt wat wel en niet lukt.",
            stakeholders="Twee keer per jaar een korte notitie voor de wethouder.",
        ),
        "Bram": dict(
            organisation="Stichting Welzijn Oost",
            org_interest="Continuïteit: we draaien nu op projectgeld.",
            own_interest="Eerlijk gezegd: mijn eigen baan hangt aan dit project.",
            gets=["Voortbestaan", "Geld"], get_note=None,
            gives=["Kennis", "Capaciteit"], balance="veel meer dan ik haal",
            ambition="Deels", ambition_note="Meer uren kunnen we niet vrijmaken.",
            expectations="Dat de gemeente verder kijkt dan één jaar.",
            stakeholders="Via het bestuur en de nieuwsbrief.",
        ),
        "Chris": dict(
            organisation="Het Baken, school voor voortgezet onderwijs",
            org_interest="Leerlingen die hulp nodig hebben sneller op de juiste plek.",
            own_interest=None,
            gets=["Kennis", "Capaciteit", "Reputatie"], get_note="Handen in de klas.",
            gives=["Netwerk", "autonomie"], balance="Ongeveer in evenwicht",
            ambition="Ja", ambition_note=None,
            expectations="Vaste contactpersonen.",
            stakeholders="In het teamoverleg, elke maand.",
        ),
    },
    "en": {
        "Anna": dict(
            organisation="Noorddam Municipality",
            org_interest="Fewer young people falling through the cracks.",
            own_interest="I want to show that working together in the neighbourhood pays off.",
            gets=["Knowledge", "Network"], get_note="Above all, what works for young people.",
            gives=["Money", "Facilities"], balance="a bit more than I bring",
            ambition="Yes", ambition_note="We have a budget for two years.",
            expectations="That everyone says honestly what works and what doesn't.",
            stakeholders="A short memo for the alderman twice a year.",
        ),
        "Bram": dict(
            organisation="East Side Welfare Foundation",
            org_interest="Continuity: we now run on project money.",
            own_interest="To be honest: my own job depends on this project.",
            gets=["Continuity", "Money"], get_note=None,
            gives=["Knowledge", "Capacity"], balance="much more than I get",
            ambition="Partly", ambition_note="We cannot free up more hours.",
            expectations="That the municipality looks further ahead than one year.",
            stakeholders="Through the board and our newsletter.",
        ),
        "Chris": dict(
            organisation="Het Baken secondary school",
            org_interest="Pupils who need help get to the right place sooner.",
            own_interest=None,
            gets=["Knowledge", "Capacity", "Reputation"], get_note="Extra hands in the classroom.",
            gives=["Network", "autonomy"], balance="About even",
            ambition="Yes", ambition_note=None,
            expectations="Fixed contact persons.",
            stakeholders="In the monthly team meeting.",
        ),
    },
}

# The exchange turned into an agreement (its button: "Bram → …"), and its concrete words.
AGREEMENT = {
    "nl": ("Bram →", "een maandelijkse kennissessie voor de mentoren van Het Baken, tot de "
           "zomer"),
    "en": ("Bram →", "a monthly knowledge session for the mentors of Het Baken, until the "
           "summer"),
}

# Per partner in the check-in: balance, still worth it, was the agreement kept (+ a line),
# do their own people still value it, what changed (None: skipped).
CHECKIN = {
    "nl": {
        "Anna": ("Ik haal iets meer", "Ja", "Nagekomen", None, "Ja", None),
        "Bram": ("Ongeveer in evenwicht", "Ik twijfel", "Deels",
                 "Twee van de drie sessies; in mei was niemand vrij.", "Weet ik niet zeker",
                 "Ons projectgeld loopt in december af."),
        "Chris": ("Ongeveer in evenwicht", "Ja", "Nagekomen", None, "Ja",
                  "De mentoren vragen nu zelf om de sessies."),
    },
    "en": {
        "Anna": ("I get a bit more", "Yes", "Kept", None, "Yes", None),
        "Bram": ("About even", "I have doubts", "Partly",
                 "Two of the three sessions; in May nobody was free.", "Not sure",
                 "Our project money runs out in December."),
        "Chris": ("About even", "Yes", "Kept", None, "Yes",
                  "The mentors now ask for the sessions themselves."),
    },
}
