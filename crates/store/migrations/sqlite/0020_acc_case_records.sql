-- ACC-12: the office records the day it sent the review report (審査報告書, 2 months after an accreditation or a
-- denial), which meets its deadline as the result notice's sending meets the notice's.
ALTER TABLE acc_cases ADD COLUMN review_report_sent_on TEXT;
-- ACC-1, ACC-21: a review stopped for lost eligibility is a decision of no eligibility, appealable from the day
-- of the stop; an overturned stop resumes the review where it stopped.
ALTER TABLE acc_cases ADD COLUMN stopped_on TEXT;
ALTER TABLE acc_cases ADD COLUMN stopped_from TEXT;
-- ACC-6: the office keeps the self-study material (narratives, evidence files) until the renewal date, then
-- destroys it: the day it is due and the day it was done.
ALTER TABLE acc_self_study ADD COLUMN destroy_on TEXT;
ALTER TABLE acc_self_study ADD COLUMN destroyed_on TEXT;
