DROP TABLE intake_submissions;
