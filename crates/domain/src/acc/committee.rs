//! The committee's votes on a case (ACC-11, ACC-8): whether the votes recorded in a round carry the outcome the
//! office or the head records as the committee's decision.

use super::case::Outcome;

/// The votes of one round, counted per outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub accredit: usize,
    pub hold: usize,
    pub defer: usize,
    pub deny: usize,
}

impl Tally {
    pub fn of(votes: &[Outcome]) -> Tally {
        let mut t = Tally::default();
        for v in votes {
            *t.slot(*v) += 1;
        }
        t
    }

    fn slot(&mut self, o: Outcome) -> &mut usize {
        match o {
            Outcome::Accredit => &mut self.accredit,
            Outcome::Hold => &mut self.hold,
            Outcome::Defer => &mut self.defer,
            Outcome::Deny => &mut self.deny,
        }
    }

    pub fn cast(&self) -> usize {
        self.accredit + self.hold + self.defer + self.deny
    }

    pub fn for_outcome(&self, o: Outcome) -> usize {
        match o {
            Outcome::Accredit => self.accredit,
            Outcome::Hold => self.hold,
            Outcome::Defer => self.defer,
            Outcome::Deny => self.deny,
        }
    }
}

/// The quorum of a round: more than half of the members who may vote on the case.
pub const fn quorum(members: usize) -> usize {
    members / 2 + 1
}

/// Why the recorded votes do not carry an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotCarried {
    /// Fewer members voted than the quorum.
    NoQuorum {
        cast: usize,
        needed: usize,
        members: usize,
    },
    /// The outcome has no more than half of the votes cast.
    NoMajority { for_it: usize, cast: usize },
}

/// ACC-11 (our rule where the seed is silent, as for REG-7 and the ACC-16/ACC-21 polls): the votes recorded in a
/// round carry `outcome` when at least a quorum of the `members` who may vote (active, without a conflict with the
/// organization, ACC-8) voted and more than half of the votes cast are for it. A round without any recorded vote is
/// a meeting whose votes were not entered one by one: there is nothing to compare, and the decision is recorded.
pub fn check_carried(outcome: Outcome, tally: &Tally, members: usize) -> Result<(), NotCarried> {
    let cast = tally.cast();
    if cast == 0 {
        return Ok(());
    }
    let needed = quorum(members);
    if cast < needed {
        return Err(NotCarried::NoQuorum {
            cast,
            needed,
            members,
        });
    }
    let for_it = tally.for_outcome(outcome);
    if for_it * 2 <= cast {
        return Err(NotCarried::NoMajority { for_it, cast });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use Outcome::{Accredit, Defer, Deny, Hold};

    #[test]
    fn acc_11_a_decision_needs_a_quorum_and_a_majority_of_the_votes_cast() {
        // One vote of three members is no quorum, whatever it says.
        let one = Tally::of(&[Accredit]);
        assert_eq!(
            check_carried(Accredit, &one, 3),
            Err(NotCarried::NoQuorum {
                cast: 1,
                needed: 2,
                members: 3
            })
        );
        // Two of three voted: the outcome needs both.
        assert_eq!(
            check_carried(Accredit, &Tally::of(&[Accredit, Accredit]), 3),
            Ok(())
        );
        assert_eq!(
            check_carried(Accredit, &Tally::of(&[Accredit, Hold]), 3),
            Err(NotCarried::NoMajority { for_it: 1, cast: 2 })
        );
        // Three of four: two for deny out of three carries deny, not defer.
        let t = Tally::of(&[Deny, Deny, Defer]);
        assert_eq!(check_carried(Deny, &t, 4), Ok(()));
        assert!(check_carried(Defer, &t, 4).is_err());
        // A sole member's vote carries its outcome; a tie carries nothing.
        assert_eq!(check_carried(Hold, &Tally::of(&[Hold]), 1), Ok(()));
        assert!(check_carried(Accredit, &Tally::of(&[Accredit, Deny]), 2).is_err());
    }

    #[test]
    fn acc_11_a_round_without_recorded_votes_is_not_compared() {
        assert_eq!(check_carried(Accredit, &Tally::default(), 5), Ok(()));
        assert_eq!(quorum(5), 3);
        assert_eq!(quorum(4), 3);
        assert_eq!(quorum(1), 1);
        assert_eq!(quorum(0), 1);
    }
}
