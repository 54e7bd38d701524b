//! Who is asking, and what they may see and do: the one place that decides. Every handler takes
//! a [`Viewer`] (no session → the login page) and asks [`Viewer::may`] before it reads or writes
//! anything of a region.

use super::{Shared, WebError};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use tower_sessions::Session;

/// The session key holding the account's id.
pub const SESSION_ACCOUNT: &str = "account";

/// What an account is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// The office: every region's files, reviews, scoring, publishing.
    Office,
    /// The office's leadership: the published ranking, read only.
    Leader,
    /// A region: its own files and, once published, its own 反馈单; nothing of another.
    Region(String),
}

impl Role {
    fn parse(role: &str, region: String) -> Option<Role> {
        match role {
            "office" => Some(Role::Office),
            "leader" => Some(Role::Leader),
            "region" if !region.is_empty() => Some(Role::Region(region)),
            _ => None,
        }
    }
}

/// Something an account may ask to do.
#[derive(Debug, Clone, Copy)]
pub enum Act<'a> {
    /// See a region's state, check results and versions.
    SeeRegion(&'a str),
    /// Upload a file for a region.
    Upload(&'a str),
    /// See 收表进度 for all regions.
    SeeProgress,
    /// Accept, return or reopen a region's file.
    Review,
    /// Score the quarter, download the office's outputs, publish the 反馈单.
    Score,
    /// Download a region's own published 反馈单.
    SeeFeedback(&'a str),
    /// Download the quarter's ranking workbook: the office always, the leader once published.
    SeeRanking { published: bool },
    /// Lift an account's lock.
    Unlock,
}

/// The logged-in account making the request.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub role: Role,
    /// Whether the initial password is still to be changed.
    pub must_change: bool,
}

impl Viewer {
    /// Whether the account may do `act`: `Ok` or [`WebError::Forbidden`].
    ///
    /// # Errors
    ///
    /// [`WebError::Forbidden`] naming what was refused.
    pub fn may(&self, act: Act) -> Result<(), WebError> {
        let allowed = match (&self.role, act) {
            (Role::Office, _) => true,
            (
                Role::Region(own),
                Act::SeeRegion(code) | Act::Upload(code) | Act::SeeFeedback(code),
            ) => own == code,
            (Role::Leader, Act::SeeRanking { published }) => published,
            (
                Role::Leader | Role::Region(_),
                Act::SeeProgress | Act::Review | Act::Score | Act::Unlock,
            ) => false,
            (Role::Region(_), Act::SeeRanking { .. }) => false,
            (Role::Leader, Act::SeeRegion(_) | Act::Upload(_) | Act::SeeFeedback(_)) => false,
        };
        if allowed {
            Ok(())
        } else {
            Err(WebError::Forbidden(match act {
                Act::SeeRegion(_) | Act::Upload(_) | Act::SeeFeedback(_) => {
                    "只能查看和报送本地区的材料".to_string()
                }
                Act::SeeProgress | Act::Review | Act::Score | Act::Unlock => {
                    "收表进度、审核、评分和发布仅限办公室账号".to_string()
                }
                Act::SeeRanking { .. } => "考评排名发布后方可查看".to_string(),
            }))
        }
    }

    /// The region of a region's account.
    pub fn region(&self) -> Option<&str> {
        match &self.role {
            Role::Region(code) => Some(code),
            _ => None,
        }
    }

    /// Loads the account of `id`; `None` when it does not exist or is locked.
    ///
    /// # Errors
    ///
    /// [`WebError::Database`].
    pub fn load(app: &super::App, id: i64) -> Result<Option<Viewer>, WebError> {
        let row = app.db.with(|c| {
            use rusqlite::OptionalExtension;
            c.query_row(
                "SELECT login, name, role, region, must_change, locked FROM account WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, bool>(4)?,
                        r.get::<_, bool>(5)?,
                    ))
                },
            )
            .optional()
        })?;
        Ok(
            row.and_then(|(login, name, role, region, must_change, locked)| {
                let role = Role::parse(&role, region)?;
                (!locked).then_some(Viewer {
                    id,
                    login,
                    name,
                    role,
                    must_change,
                })
            }),
        )
    }
}

/// The account behind the session, for pages that are reachable before the password is
/// changed (the password page itself).
pub struct Anyone(pub Viewer);

async fn from_session(parts: &mut Parts, app: &Shared) -> Result<Viewer, WebError> {
    let session = Session::from_request_parts(parts, app)
        .await
        .map_err(|_| WebError::Login)?;
    let id: Option<i64> = session
        .get(SESSION_ACCOUNT)
        .await
        .map_err(|_| WebError::Login)?;
    let id = id.ok_or(WebError::Login)?;
    Viewer::load(app, id)?.ok_or(WebError::Login)
}

impl FromRequestParts<Shared> for Viewer {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, app: &Shared) -> Result<Self, Self::Rejection> {
        let viewer = from_session(parts, app).await?;
        if viewer.must_change {
            return Err(WebError::MustChangePassword);
        }
        Ok(viewer)
    }
}

impl FromRequestParts<Shared> for Anyone {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, app: &Shared) -> Result<Self, Self::Rejection> {
        from_session(parts, app).await.map(Anyone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(role: Role) -> Viewer {
        Viewer {
            id: 1,
            login: "x".into(),
            name: "x".into(),
            role,
            must_change: false,
        }
    }

    #[test]
    fn a_region_may_see_and_upload_for_itself_only() {
        let a = viewer(Role::Region("440100".into()));
        assert!(a.may(Act::SeeRegion("440100")).is_ok());
        assert!(a.may(Act::Upload("440100")).is_ok());
        assert!(a.may(Act::SeeRegion("440200")).is_err());
        assert!(a.may(Act::Upload("440200")).is_err());
        assert!(a.may(Act::SeeProgress).is_err());
        assert!(a.may(Act::Review).is_err());
        let leader = viewer(Role::Leader);
        assert!(leader.may(Act::Upload("440100")).is_err());
        assert!(leader.may(Act::Review).is_err());
        let office = viewer(Role::Office);
        assert!(office.may(Act::Review).is_ok());
        assert!(office.may(Act::SeeRegion("440200")).is_ok());
        assert!(a.may(Act::SeeFeedback("440100")).is_ok());
        assert!(a.may(Act::SeeFeedback("440200")).is_err());
        assert!(a.may(Act::Score).is_err());
        assert!(leader.may(Act::SeeFeedback("440100")).is_err());
        assert!(leader.may(Act::SeeRanking { published: false }).is_err());
        assert!(leader.may(Act::SeeRanking { published: true }).is_ok());
        assert!(a.may(Act::SeeRanking { published: true }).is_err());
        assert!(office.may(Act::SeeRanking { published: false }).is_ok());
    }
}
