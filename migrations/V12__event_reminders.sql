-- V12: reminders before an event, each sent once per attendee (24 h and 2 h before the start).
ALTER TABLE event_attendee ADD COLUMN reminder_24h_sent_at timestamptz;
ALTER TABLE event_attendee ADD COLUMN reminder_2h_sent_at timestamptz;
