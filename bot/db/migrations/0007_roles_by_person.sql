-- A person's card lists their roles and credits: both are looked up by person, which their
-- primary keys (character or show first) cannot serve, so each read the whole table (1.3 ms
-- for the portrayals at a million quotes).
CREATE INDEX portrayals_person ON portrayals (person_id);
CREATE INDEX credits_person ON credits (person_id);
