//! What the staff case page shows beside the case itself: the accreditation a renewal or scope addition is for
//! and the extension asked during a renewal's review (ACC-19, ACC-20), the staff to plan with (ACC-5, ACC-7),
//! the open deadlines, the invoices (ACC-22) and the committee's votes (ACC-11), each only where it applies.

use nintei_domain::acc::renewal::CaseKind;
use nintei_store::acc::{self as store, DeadlineRow, Vote};
use nintei_store::acc_renewal::{self, AccreditationRow, Extension};
use nintei_store::invoices::{self, Invoice};
use nintei_store::users::{self, User};

use super::may_see_votes;
use crate::acc::{Loaded, sees_invoices};
use crate::caller::Caller;
use crate::error::AppResult;
use nintei_store::Conn;

/// The case page's reads beyond [`Loaded`].
#[derive(Debug, Default)]
pub struct CasePage {
    /// The accreditation a renewal or scope addition is for.
    pub renews: Option<AccreditationRow>,
    /// ACC-19: the extension asked during a renewal's review.
    pub extension: Option<Extension>,
    /// Every staff account, when the page names or picks a coordinator or surveyor.
    pub staff: Vec<User>,
    pub deadlines: Vec<DeadlineRow>,
    /// Only for those who see money owed (the office, the head, administrators, the organization).
    pub invoices: Option<Vec<Invoice>>,
    /// Only for those who decide or vote.
    pub votes: Option<Vec<Vote>>,
}

/// The reads of the case page of `loaded` for `caller` on `conn`; `with_staff` when it names or picks staff.
pub async fn page(
    conn: &mut Conn,
    caller: &Caller,
    loaded: &Loaded,
    with_staff: bool,
) -> AppResult<CasePage> {
    let c = &loaded.case;
    let mut page = CasePage::default();
    if let (CaseKind::Renewal | CaseKind::ScopeAddition, Some(a)) = (c.kind, c.accreditation_id.as_deref()) {
        page.renews = acc_renewal::by_id(&mut *conn, a).await?;
    }
    if c.kind == CaseKind::Renewal {
        page.extension = acc_renewal::extension_for_case(&mut *conn, &c.id).await?;
    }
    if with_staff {
        page.staff = users::staff(&mut *conn).await?;
    }
    page.deadlines = store::open_deadlines(&mut *conn, &c.id).await?;
    if sees_invoices(caller) {
        page.invoices = Some(invoices::for_case(&mut *conn, &c.id).await?);
    }
    if may_see_votes(loaded, caller) {
        page.votes = Some(store::votes(&mut *conn, &c.id).await?);
    }
    Ok(page)
}
