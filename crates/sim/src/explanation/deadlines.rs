//! Every instance of a duty with its deadline's arithmetic, grouped by shape: what the period
//! runs from, the period, the zone it is counted in and the calendar are written once per group,
//! and each instance adds only its subject, start, end and the days it skipped. Built once per
//! duty at the end of an explained replay and shared (an `Arc`) by the outcome and the report.

use std::sync::Arc;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use modsim_policy::{Calendar, Period};
use serde::ser::{SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};

use super::{CountedIn, DueFrom, SkippedDay, SubjectRef, ZoneFrom};

/// A duty's deadlines: one group per shape, in the order of their first instance.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Deadlines {
    /// The groups.
    pub groups: Vec<DeadlineGroup>,
}

impl Deadlines {
    /// How many instances, over every group.
    pub fn instances(&self) -> usize {
        self.groups.iter().map(|g| g.instances.len()).sum()
    }

    /// Adds an instance to the group of its shape (opening one when it is new).
    pub fn push(&mut self, shape: DeadlineShape, instance: DeadlineInstance) {
        match self.groups.iter_mut().find(|g| g.shape == shape) {
            Some(group) => group.instances.push(instance),
            None => self.groups.push(DeadlineGroup {
                shape,
                instances: vec![instance],
            }),
        }
    }
}

/// What the instances of one group share.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadlineShape {
    /// What the period runs from.
    pub from: DueFrom,
    /// The period.
    pub period: Period,
    /// The zone the days are counted in, other than the scenario's, and why.
    pub counted_in: Option<CountedIn>,
    /// The calendar business days are counted against (business-day periods only).
    pub calendar: Option<Calendar>,
}

/// The instances of one shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadlineGroup {
    /// What they share.
    pub shape: DeadlineShape,
    /// Each instance, in the order of the subjects.
    pub instances: Vec<DeadlineInstance>,
}

/// One instance's arithmetic: `start + period = end`, skipping the days named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadlineInstance {
    /// The post, demand or action.
    pub subject: SubjectRef,
    /// What the period runs from: the instant.
    pub start: Timestamp,
    /// When the instance falls due.
    pub end: Timestamp,
    /// The days between that did not count (business-day periods), the first few.
    pub skipped: Vec<SkippedDay>,
    /// How many more did not.
    pub skipped_more: u32,
}

/// A duty's deadlines as the report holds them: shared with the outcome, never copied, and
/// written with instants in RFC 3339 in the zone each group is counted in (the scenario's,
/// unless the group says), the group's shape once.
#[derive(Clone, Debug)]
pub struct DeadlinesIn {
    /// The deadlines.
    pub deadlines: Arc<Deadlines>,
    /// The scenario's zone.
    pub zone: TimeZone,
}

impl Serialize for DeadlinesIn {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.deadlines.groups.len()))?;
        for group in &self.deadlines.groups {
            seq.serialize_element(&GroupIn {
                group,
                zone: &self.zone,
            })?;
        }
        seq.end()
    }
}

struct GroupIn<'a> {
    group: &'a DeadlineGroup,
    zone: &'a TimeZone,
}

impl Serialize for GroupIn<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let shape = &self.group.shape;
        let zone = shape.counted_in.as_ref().map_or(self.zone, |c| &c.zone);
        let mut out = s.serialize_struct("DeadlineGroup", 7)?;
        out.serialize_field("from", &shape.from)?;
        out.serialize_field("period", &shape.period.to_string())?;
        out.serialize_field("zone", &modsim_policy::zone::zone_name(zone))?;
        out.serialize_field(
            "zone_from",
            match shape.counted_in.as_ref().map(|c| c.because) {
                None => "scenario",
                Some(ZoneFrom::Holder) => "holder",
                Some(ZoneFrom::Counterparty) => "counterparty",
                Some(ZoneFrom::Clause) => "clause",
            },
        )?;
        out.serialize_field("calendar", &shape.calendar.as_ref().map(Calendar::name))?;
        out.serialize_field("count", &self.group.instances.len())?;
        out.serialize_field(
            "instances",
            &InstancesIn {
                instances: &self.group.instances,
                zone,
            },
        )?;
        out.end()
    }
}

struct InstancesIn<'a> {
    instances: &'a [DeadlineInstance],
    zone: &'a TimeZone,
}

impl Serialize for InstancesIn<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.instances.len()))?;
        for instance in self.instances {
            seq.serialize_element(&InstanceIn {
                instance,
                zone: self.zone,
            })?;
        }
        seq.end()
    }
}

struct InstanceIn<'a> {
    instance: &'a DeadlineInstance,
    zone: &'a TimeZone,
}

impl Serialize for InstanceIn<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let i = self.instance;
        let skips = !i.skipped.is_empty();
        let mut out = s.serialize_struct("DeadlineInstance", 3 + usize::from(skips) * 2)?;
        out.serialize_field("subject", &i.subject)?;
        out.serialize_field("start", &modsim_policy::rfc3339(i.start, self.zone))?;
        out.serialize_field("end", &modsim_policy::rfc3339(i.end, self.zone))?;
        if skips {
            out.serialize_field("skipped", &i.skipped)?;
            out.serialize_field("skipped_more", &i.skipped_more)?;
        }
        out.end()
    }
}
