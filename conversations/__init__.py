"""The pure core of Op Tafel: events and the current time in, new state and effects out.

Nothing in this package does I/O, reads the clock or imports a chat SDK or SQLAlchemy.
"""
