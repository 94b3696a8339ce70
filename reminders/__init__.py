"""Reminders delivered as in-app notifications (and e-mail where configured): months not
submitted, home-visit follow-ups due and overdue, honorary titles lapsing, targets behind pace.
The daily task (reminders/tasks.py, scheduled by celery beat) finds what is due
(reminders/finding.py) and notifies the people who resolve it (reminders/services.py)."""
