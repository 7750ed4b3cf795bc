-- One enrolment state per disease (issue 14.1): follow-up's enrolments are the state; registration's 慢病标记
-- (patients.hypertension / diabetes) is the disease on the resident's record and, without an enrolment, a proposal
-- the follow-up page offers. Records enrolled before enrolment set the mark (or whose mark was cleared later) get
-- it back, so the two never disagree again.
UPDATE `patients` SET `hypertension` = 1
WHERE `hypertension` = 0 AND EXISTS (SELECT 1 FROM `followup_enrolments` e WHERE e.patient_id = `patients`.`id` AND e.disease = 'hypertension');--> statement-breakpoint
UPDATE `patients` SET `diabetes` = 1
WHERE `diabetes` = 0 AND EXISTS (SELECT 1 FROM `followup_enrolments` e WHERE e.patient_id = `patients`.`id` AND e.disease = 't2dm');
