"""The sandbox: the real bot on a local, offline Discord (the emulator), driven from a terminal.

`kdrama-bot sandbox` and `kdrama-bot ask` start the emulator and the unchanged KdramaBot in one
process, connected over loopback exactly as they would be to Discord, on a copy of the database.

commandline.py  what a typed line means (pure)      catalog.py   the commands the bot synced
render.py       messages as terminal text (pure)    form.py      forms, one field at a time
database.py     the sandbox's own database          server.py    names, lookups, visibility
session.py      the emulator + bot, line by line    terminal.py  the prompt, pipes and `ask`
"""
