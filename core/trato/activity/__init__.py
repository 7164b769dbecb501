"""What every record has beside its fields, for every entity with no code: notes, activities, attachments,
tags and followers, the timeline that shows them, in-app notifications, reminders and calendar feeds.

- `setup.register(app)` mounts the pages and adds the core's record hooks (followers hear of saves and deletes).
- `tags.tag_filter(entity, tag)` is the SQL condition a list page filters by tag with.
- `reminders.register(tasks)` schedules the reminder job.

This package imports nothing at load time: `trato.models` imports its
tables so that they are in the core's metadata.
"""
