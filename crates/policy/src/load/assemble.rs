//! Compiling a whole policy: the declarations (`declarations.rs`), then the names the rules'
//! conditions may use, then the rules (`rules.rs`), into a [`Policy`].

use super::compiler::{Compiler, Declared};
use super::overrides::Overrides;
use super::raw::RawPolicy;
use super::rules::rule_ids;
use crate::calendar::Calendar;
use crate::condition::Names;
use crate::diagnostic::Problem;
use crate::model::{ParamValue, Policy};

impl Compiler<'_> {
    pub(super) fn policy(&mut self, raw: &RawPolicy, overrides: &Overrides, file: &str) -> Policy {
        let header = raw.policy.get_ref();
        if header.id.get_ref().trim().is_empty() {
            self.error(Problem::error(
                "the policy's `id` is empty",
                Some(header.id.span()),
            ));
        }
        let holidays = self.holidays(header.holidays.as_ref());
        let roles = self.roles(raw);
        let labels = self.labels(raw);
        let facts = self.facts(raw);
        let parameters = self.parameters(raw, overrides);
        let assumptions = self.assumptions(raw, overrides, &roles);
        let clauses = self.clauses(raw, overrides, &parameters);

        let declared = Declared {
            roles: roles.iter().map(|r| r.name.as_str()).collect(),
            params: parameters
                .iter()
                .map(|p| (p.name.as_str(), Some(p.value)))
                .collect(),
        };
        // Index duties and powers before compiling, so conditions can refer to any of them.
        let (duty_ids, power_ids) = rule_ids(raw, &clauses);
        let param_types: Vec<(&str, bool)> = parameters
            .iter()
            .map(|p| (p.name.as_str(), matches!(p.value, ParamValue::Int(_))))
            .collect();
        let period_params: Vec<(&str, crate::period::Period)> = parameters
            .iter()
            .filter_map(|p| match p.value {
                ParamValue::Period(period) => Some((p.name.as_str(), period)),
                ParamValue::Int(_) => None,
            })
            .collect();
        let assumption_names: Vec<&str> = assumptions.iter().map(|a| a.name.as_str()).collect();
        let clause_ids: Vec<&str> = clauses.iter().map(|c| c.id.as_str()).collect();
        let fact_names: Vec<&str> = facts.iter().map(|f| f.name.as_str()).collect();
        let content_on = header
            .content_on
            .as_ref()
            .and_then(|role| self.role(role, &declared));
        let names = Names {
            facts: &fact_names,
            labels: &labels,
            params: &param_types,
            assumptions: &assumption_names,
            clauses: &clause_ids,
            duties: &duty_ids,
            powers: &power_ids,
            periods: &period_params,
        };
        let rules = self.rules(raw, &clauses, &declared, &names);

        Policy {
            id: header.id.get_ref().clone(),
            title: header.title.clone(),
            source: header.source.clone(),
            about: header.about.clone(),
            file: file.to_owned(),
            holidays,
            content_on,
            facts,
            roles,
            labels,
            parameters,
            assumptions,
            clauses,
            prohibitions: rules.prohibitions,
            duties: rules.duties,
            powers: rules.powers,
            reforms: Vec::new(),
        }
    }

    /// The calendar the policy's `holidays` names (the default one when it names none).
    fn holidays(&mut self, name: Option<&toml::Spanned<String>>) -> Calendar {
        let Some(name) = name else {
            return Calendar::default();
        };
        match self.calendars.find(name.get_ref(), name.span()) {
            Ok(calendar) => calendar,
            Err(problem) => {
                self.error(problem);
                Calendar::default()
            }
        }
    }
}
