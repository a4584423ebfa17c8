//! The registration review committee's vote on deregistration (REG-7): members without a conflict vote (ACC-8
//! recusal applies), and the decision the office records must be the majority's.

use super::status::CommitteeOutcome;

/// Counted votes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    pub deregister: usize,
    pub maintain: usize,
}

impl Tally {
    pub fn of(votes: &[CommitteeOutcome]) -> Tally {
        votes.iter().fold(Tally::default(), |mut t, v| {
            match v {
                CommitteeOutcome::Deregister => t.deregister += 1,
                CommitteeOutcome::Maintain => t.maintain += 1,
            }
            t
        })
    }

    pub fn total(&self) -> usize {
        self.deregister + self.maintain
    }

    /// The majority outcome; `None` without votes or on a tie (the committee has not decided yet).
    pub fn majority(&self) -> Option<CommitteeOutcome> {
        use std::cmp::Ordering::*;
        match self.deregister.cmp(&self.maintain) {
            Greater => Some(CommitteeOutcome::Deregister),
            Less => Some(CommitteeOutcome::Maintain),
            Equal => None,
        }
    }
}

/// Why the office may not record `outcome` as the committee's decision.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecisionError {
    #[error("登録審査委員会の票がまだありません")]
    NoVotes,
    #[error("登録審査委員会の票が同数です（抹消{deregister}票・維持{maintain}票）")]
    Tie { deregister: usize, maintain: usize },
    #[error("記録しようとした決定が登録審査委員会の多数（抹消{deregister}票・維持{maintain}票）と異なります")]
    NotTheMajority { deregister: usize, maintain: usize },
}

/// REG-7: the committee decides; the office records its decision, which must be what the majority voted.
pub fn check_decision(votes: &[CommitteeOutcome], outcome: CommitteeOutcome) -> Result<Tally, DecisionError> {
    let t = Tally::of(votes);
    if t.total() == 0 {
        return Err(DecisionError::NoVotes);
    }
    match t.majority() {
        None => Err(DecisionError::Tie {
            deregister: t.deregister,
            maintain: t.maintain,
        }),
        Some(m) if m == outcome => Ok(t),
        Some(_) => Err(DecisionError::NotTheMajority {
            deregister: t.deregister,
            maintain: t.maintain,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CommitteeOutcome::{Deregister, Maintain};

    #[test]
    fn majority_decides_and_ties_or_silence_do_not() {
        assert_eq!(check_decision(&[], Deregister), Err(DecisionError::NoVotes));
        assert_eq!(
            check_decision(&[Deregister, Maintain], Deregister),
            Err(DecisionError::Tie {
                deregister: 1,
                maintain: 1
            })
        );
        assert_eq!(
            check_decision(&[Deregister, Deregister, Maintain], Deregister),
            Ok(Tally {
                deregister: 2,
                maintain: 1
            })
        );
        assert!(matches!(
            check_decision(&[Deregister, Deregister, Maintain], Maintain),
            Err(DecisionError::NotTheMajority { .. })
        ));
        assert_eq!(check_decision(&[Maintain], Maintain).map(|t| t.total()), Ok(1));
    }
}
