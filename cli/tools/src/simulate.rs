//! Simulated helpdesks for the planner benchmarks: customers' worlds drawn from an
//! article's figures (or a truth that differs from them), sessions run by the planner.

use fixpath::model::{Article, NodeId};

/// A small deterministic generator (xorshift64*), so runs are repeatable.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// An index drawn with these weights.
    pub fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut point = self.unit() * total;
        for (index, weight) in weights.iter().enumerate() {
            if point < *weight {
                return index;
            }
            point -= weight;
        }
        weights.len() - 1
    }
}

/// The customer's situation: an answer to every question, the true cause and its fix.
pub struct World {
    /// The answer (its index) to every question.
    pub answers: Vec<usize>,
    /// The cause behind it.
    pub cause: NodeId,
    /// The fix that works.
    pub remedy: NodeId,
}

/// Follows the world's answers from the entry: the cause and the fix the tree reaches.
pub fn follow(article: &Article, answers: &[usize]) -> Option<(NodeId, NodeId)> {
    let mut node = article.entry.clone()?;
    let mut cause: Option<NodeId> = None;
    for _ in 0..=article.questions.len() + article.causes.len() {
        if let Some(index) = article.questions.iter().position(|q| q.id == node) {
            node = article.questions[index].answers[answers[index]]
                .goto
                .clone()?;
        } else if let Some(found) = article.cause(&node) {
            cause = Some(found.id.clone());
            match &found.then {
                Some(then) => node = then.clone(),
                // No question picks the fix: the first one is the one that works.
                None => {
                    let remedy = found.solutions.iter().chain(&found.workarounds).next()?;
                    return Some((found.id.clone(), remedy.clone()));
                }
            }
        } else if article.remedy(&node).is_some() {
            let cause = cause.or_else(|| article.owners_of(&node).next().map(|c| c.id.clone()))?;
            return Some((cause, node));
        } else {
            return None;
        }
    }
    None
}

/// A world in which every question tells the truth about `cause`: the answer that leads to
/// it where a question has one (its check, the which-cause menu), else the answer that
/// goes on to the next question or escalates (a check for another cause says it is not
/// that one).
pub fn truthful_world(article: &Article, cause: &NodeId, remedy: &NodeId) -> World {
    let answers = article
        .questions
        .iter()
        .map(|question| {
            let leads = |target: &NodeId| {
                target == cause
                    || article.cause(cause).is_some_and(|c| {
                        c.solutions.contains(target) || c.workarounds.contains(target)
                    })
            };
            question
                .answers
                .iter()
                .position(|a| a.goto.as_ref().is_some_and(leads))
                .or_else(|| {
                    question.answers.iter().position(|a| {
                        a.goto
                            .as_ref()
                            .is_some_and(|g| article.question(g).is_some() || article.escalates(g))
                    })
                })
                .unwrap_or(0)
        })
        .collect();
    World {
        answers,
        cause: cause.clone(),
        remedy: remedy.clone(),
    }
}

/// The article as the importer drafted it before it drafted checks: the which-cause menu
/// alone, as the entry, with no "don't know" rate of its own.
pub fn menu_draft(article: &Article) -> Option<Article> {
    let mut menu = article.question(&NodeId(MENU.to_owned()))?.clone();
    menu.text = "Which of these matches what you see?".to_owned();
    menu.dont_know = None;
    menu.shortcut = false;
    let mut draft = article.clone();
    draft.entry = Some(menu.id.clone());
    draft.questions = vec![menu];
    Some(draft)
}

/// Mean minutes per session of one article's drafts on the same truth (see
/// [`menu_against_checks`]).
#[derive(Debug, Clone, Copy)]
pub struct DraftMinutes {
    /// Today's menu draft: the which-cause menu alone, as the entry.
    pub menu: f64,
    /// The draft with checks.
    pub checks: f64,
    /// The ceiling of any draft with these fixes: the cause known at once and for free (the
    /// menu answered truly, in no time), so only the fixes and escalating are paid.
    pub known: f64,
}

/// Mean minutes per session of today's menu drafts, of the drafts with checks and of the
/// cause known for free, on the same truth (cause frequencies, the fix that works, fixes'
/// minutes and success, the menu's minutes) and the same "don't know" draws, over the
/// sessions whose cause has a fix; `None` for an article without a menu or without a fix.
pub fn menu_against_checks(
    article: &Article,
    sessions: usize,
    dont_know: f64,
    seed: u64,
) -> Option<DraftMinutes> {
    let menu_article = menu_draft(article)?;
    let known_article = known_cause_draft(article)?;
    let mut rng = Rng(seed | 1);
    let truth = draw_truth(article, 1.2, SUCCESS_FROM, &mut rng);
    let menu_index = article
        .questions
        .iter()
        .position(|q| q.id.as_str() == MENU)?;
    let menu_truth = Truth {
        priors: truth.priors.clone(),
        question_minutes: vec![truth.question_minutes[menu_index]],
        fix_minutes: truth.fix_minutes.clone(),
        success: truth.success.clone(),
    };
    let known_truth = Truth {
        question_minutes: vec![0.0],
        ..menu_truth.clone()
    };
    let checks_plan = with_escalation(article);
    let menu_plan = with_escalation(&menu_article);
    let known_plan = with_escalation(&known_article);
    let mut minutes = DraftMinutes {
        menu: 0.0,
        checks: 0.0,
        known: 0.0,
    };
    let mut counted = 0usize;
    for _ in 0..sessions {
        let cause = &article.causes[rng.weighted(&truth.priors)];
        let fixes: Vec<&NodeId> = cause.solutions.iter().chain(&cause.workarounds).collect();
        if fixes.is_empty() {
            continue;
        }
        counted += 1;
        let remedy = fixes[(rng.next_u64() % fixes.len() as u64) as usize];
        let draws = rng.next_u64() | 1;
        let runs = [
            (&menu_article, &menu_plan, &menu_truth, &mut minutes.menu),
            (article, &checks_plan, &truth, &mut minutes.checks),
            (
                &known_article,
                &known_plan,
                &known_truth,
                &mut minutes.known,
            ),
        ];
        for (draft, plan, truth, total) in runs {
            let world = truthful_world(draft, &cause.id, remedy);
            *total += run_session(draft, plan, truth, &world, dont_know, &mut Rng(draws)).0;
        }
    }
    // Sessions whose cause has no fix are not run; an article none of whose causes has one
    // is left out.
    if counted == 0 {
        return None;
    }
    let n = counted as f64;
    Some(DraftMinutes {
        menu: minutes.menu / n,
        checks: minutes.checks / n,
        known: minutes.known / n,
    })
}

/// The menu draft with the cause known for free: the menu costs nothing and is always
/// answered (the ceiling of what asking can save with these fixes).
fn known_cause_draft(article: &Article) -> Option<Article> {
    let mut draft = menu_draft(article)?;
    let menu = &mut draft.questions[0];
    menu.id = NodeId("known-cause".to_owned());
    menu.cost = Some(0.0);
    menu.dont_know = Some(0.0);
    draft.entry = Some(menu.id.clone());
    Some(draft)
}

/// The multi-cause imported drafts of a KB, in its order.
pub fn multi_cause_drafts(kb: &fixpath::load::Kb) -> impl Iterator<Item = &Article> {
    kb.articles
        .iter()
        .map(|e| &e.article)
        .filter(|a| a.status == fixpath::model::Status::Draft && a.causes.len() >= 2)
}

/// A world whose cause is drawn from the article's priors.
pub fn draw_world(article: &Article, rng: &mut Rng) -> Option<World> {
    let priors: Vec<f64> = article.causes.iter().map(|c| c.likelihood()).collect();
    draw_world_with(article, &priors, rng)
}

/// A world whose cause is drawn with these weights (one per cause, in article order).
pub fn draw_world_with(article: &Article, priors: &[f64], rng: &mut Rng) -> Option<World> {
    let truth = &article.causes[rng.weighted(priors)].id;
    for _ in 0..500 {
        let answers: Vec<usize> = article
            .questions
            .iter()
            .map(|q| rng.weighted(&q.base_rates()))
            .collect();
        if let Some((cause, remedy)) = follow(article, &answers)
            && cause == *truth
        {
            return Some(World {
                answers,
                cause,
                remedy,
            });
        }
    }
    None
}

/// A simulated helpdesk's truth for one article, which differs from what its author wrote.
#[derive(Debug, Clone)]
pub struct Truth {
    /// How often each cause is behind a ticket (article order), summing to 1.
    pub priors: Vec<f64>,
    /// Minutes each question really takes (article order).
    pub question_minutes: Vec<f64>,
    /// Minutes each fix really takes (solutions, then workarounds).
    pub fix_minutes: Vec<f64>,
    /// The chance each fix works when it is the right one (solutions, then workarounds).
    pub success: Vec<f64>,
}

/// Minutes charged to a session that ends without the fix (the escalation's cost).
pub const ESCALATION_MINUTES: f64 = 30.0;

/// How often the simulated agent answers "don't know" to a question: the which-cause menu
/// [`fixpath::import::MENU_DONT_KNOW`] of the time (an agent who knew which cause applies
/// would not need the troubleshooter), any other question its own `dont_know`, or `rate`
/// when it has none.
pub fn dont_know_of(question: &fixpath::model::Question, rate: f64) -> f64 {
    if question.id.as_str() == MENU {
        fixpath::import::MENU_DONT_KNOW
    } else {
        question.dont_know.unwrap_or(rate)
    }
}

/// The id of the importer's which-cause menu.
pub const MENU: &str = "which-cause";

/// The least chance a fix works when right, in the simulated truths: each fix's is drawn
/// evenly between this and 1 ("a fix may fail half the time").
pub const SUCCESS_FROM: f64 = 0.5;

fn factor(rng: &mut Rng) -> f64 {
    // Log-uniform between a third and three times the authored figure.
    (rng.unit() * (3.0f64.ln() - (1.0f64 / 3.0).ln()) + (1.0f64 / 3.0).ln()).exp()
}

/// A truth for `article`: cause frequencies Zipf(`exponent`) in a shuffled order, question
/// and fix minutes a third to three times the authored ones, each fix working when right
/// with a chance drawn evenly between `success` and 1.
pub fn draw_truth(article: &Article, exponent: f64, success: f64, rng: &mut Rng) -> Truth {
    let n = article.causes.len();
    let mut ranks: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        ranks.swap(i, j);
    }
    let weights: Vec<f64> = ranks
        .iter()
        .map(|rank| 1.0 / ((rank + 1) as f64).powf(exponent))
        .collect();
    let total: f64 = weights.iter().sum();
    Truth {
        priors: weights.iter().map(|w| w / total).collect(),
        question_minutes: article
            .questions
            .iter()
            .map(|q| q.cost() * factor(rng))
            .collect(),
        fix_minutes: article
            .solutions
            .iter()
            .chain(&article.workarounds)
            .map(|r| r.cost() * factor(rng))
            .collect(),
        success: article
            .solutions
            .iter()
            .chain(&article.workarounds)
            .map(|_| success + (1.0 - success) * rng.unit())
            .collect(),
    }
}

/// Minutes charged to a session that ends without the fix (the escalation's cost), known
/// to every planner: it is the helpdesk's, not something learned.
pub fn with_escalation(article: &Article) -> Article {
    let mut priced = article.clone();
    priced.escalation_cost = Some(ESCALATION_MINUTES);
    priced
}

/// The article as an oracle planner sees it: the true priors, minutes, success rates and
/// "don't know" rate.
pub fn oracle(article: &Article, truth: &Truth, dont_know: f64) -> Article {
    let mut known = with_escalation(article);
    for (cause, prior) in known.causes.iter_mut().zip(&truth.priors) {
        cause.likelihood = Some(*prior);
    }
    for (question, minutes) in known.questions.iter_mut().zip(&truth.question_minutes) {
        question.cost = Some(*minutes);
        question.dont_know = Some(dont_know_of(question, dont_know));
    }
    let fixes = known
        .solutions
        .iter_mut()
        .chain(known.workarounds.iter_mut());
    for ((remedy, minutes), success) in fixes.zip(&truth.fix_minutes).zip(&truth.success) {
        remedy.cost = Some(*minutes);
        remedy.success = Some(*success);
    }
    known
}

/// One session run by the planner on `plan` (the article as the planner sees it) in
/// `world`, each step costing its true minutes; the minutes it cost (with
/// [`ESCALATION_MINUTES`] when it ended without the fix) and its state, timed in true
/// minutes, for learning.
pub fn run_session(
    authored: &Article,
    plan: &Article,
    truth: &Truth,
    world: &World,
    dont_know: f64,
    rng: &mut Rng,
) -> (f64, fixpath::session::SessionState) {
    use fixpath::session::{Next, Revision, Session, SessionEnd, Subject, Timestamp};
    use fixpath::solve::{Facts, Given};
    let subject = Subject::prepared(plan, Revision::of(authored), Default::default());
    let mut session =
        Session::start(subject, &Facts::new(), Timestamp(0)).expect("a walkable article");
    let fix_index = |id: &NodeId| {
        plan.solutions
            .iter()
            .chain(&plan.workarounds)
            .position(|r| r.id == *id)
            .unwrap_or(0)
    };
    let mut clock = 0.0f64;
    let mut fixed = false;
    for _ in 0..200 {
        match session.next().expect("valid facts") {
            Next::Ask { question } => {
                let index = plan
                    .questions
                    .iter()
                    .position(|q| q.id == question)
                    .expect("a question of the article");
                clock += truth.question_minutes[index];
                let given = if rng.unit() < dont_know_of(&authored.questions[index], dont_know) {
                    Given::Unknown
                } else {
                    Given::Answer(
                        plan.questions[index].answers[world.answers[index]]
                            .value
                            .clone(),
                    )
                };
                session
                    .answer(&question, given, Timestamp((clock * 60_000.0) as i64))
                    .expect("a valid answer");
            }
            Next::Try { remedy, .. } => {
                let index = fix_index(&remedy);
                clock += truth.fix_minutes[index];
                let works = remedy == world.remedy && rng.unit() < truth.success[index];
                session
                    .fix_outcome(&remedy, works, Timestamp((clock * 60_000.0) as i64))
                    .expect("the fix offered");
                if works {
                    fixed = true;
                    break;
                }
            }
            _ => break,
        }
    }
    if !fixed {
        clock += ESCALATION_MINUTES;
        let _ = session.end(SessionEnd::Escalated, Timestamp((clock * 60_000.0) as i64));
    }
    (clock, session.into_state())
}

/// What learning is worth on one article: the mean minutes per session of the planner on
/// the authored figures, after learning from each of `learned_from` sessions, and on the
/// true figures.
#[derive(Debug, Clone)]
pub struct LearningRow {
    /// The article.
    pub article: String,
    /// Its causes.
    pub causes: usize,
    /// The planner on the authored figures.
    pub authored: f64,
    /// After learning from each count of sessions (as given).
    pub learned: Vec<(usize, f64)>,
    /// The planner on the true figures.
    pub oracle: f64,
    /// Where the article is small enough to search every strategy: the exact expected
    /// minutes of the planner on the true figures, and of the optimal strategy.
    pub exact: Option<(f64, f64)>,
}

/// A world drawn from the truth; where no question picks a cause's fix, the one that works
/// is any of its fixes, evenly (as the planner's model has it), not always the first.
fn true_world(article: &Article, truth: &Truth, rng: &mut Rng) -> Option<World> {
    let mut world = draw_world_with(article, &truth.priors, rng)?;
    if let Some(cause) = article.cause(&world.cause)
        && cause.then.is_none()
    {
        let fixes: Vec<&NodeId> = cause.solutions.iter().chain(&cause.workarounds).collect();
        if fixes.len() > 1 {
            world.remedy = fixes[(rng.next_u64() % fixes.len() as u64) as usize].clone();
        }
    }
    Some(world)
}

/// Simulates one article's helpdesk: `eval` sessions for each planner, the same worlds and
/// draws for all.
pub fn learning_row(
    article: &Article,
    learned_from: &[usize],
    eval: usize,
    dont_know: f64,
    seed: u64,
) -> Option<LearningRow> {
    use fixpath::learn::{Learned, Record};
    let mut rng = Rng(seed | 1);
    let truth = draw_truth(article, 1.2, SUCCESS_FROM, &mut rng);
    let revision = fixpath::session::Revision::of(article).0;
    let oracle_article = oracle(article, &truth, dont_know);
    // Every planner knows what an escalation costs the helpdesk.
    let authored = with_escalation(article);
    // The helpdesk's own sessions, run on the authored figures, then learned from.
    let most = learned_from.iter().copied().max().unwrap_or(0);
    let mut states = Vec::with_capacity(most);
    for _ in 0..most {
        let world = true_world(article, &truth, &mut rng)?;
        let mut draws = Rng(rng.next_u64() | 1);
        states.push(run_session(article, &authored, &truth, &world, dont_know, &mut draws).1);
    }
    let plans: Vec<(usize, Article)> = learned_from
        .iter()
        .map(|&n| {
            let learned = Learned::learn(states[..n].iter().flat_map(Record::of), |_| {
                Some((article, revision.clone()))
            });
            (n, learned.apply(&authored))
        })
        .collect();
    let mut worlds = Vec::with_capacity(eval);
    for _ in 0..eval {
        worlds.push((true_world(article, &truth, &mut rng)?, rng.next_u64() | 1));
    }
    let mean = |plan: &Article| {
        worlds
            .iter()
            .map(|(world, seed)| {
                run_session(article, plan, &truth, world, dont_know, &mut Rng(*seed)).0
            })
            .sum::<f64>()
            / worlds.len() as f64
    };
    let exact = Exact::new(&oracle_article, &truth, dont_know)
        .map(|mut exact| (exact.from_start(true), exact.from_start(false)));
    Some(LearningRow {
        article: article.id.to_string(),
        causes: article.causes.len(),
        authored: mean(&authored),
        learned: plans.iter().map(|(n, plan)| (*n, mean(plan))).collect(),
        oracle: mean(&oracle_article),
        exact,
    })
}

/// Exact expected minutes over every world of an article's truth, for small articles:
/// the optimal strategy (the cheapest action at every point, found by searching them all)
/// and the planner's (its action at every point), on the same model the sessions are
/// simulated in (15% "don't know", each fix working when right at its own rate, escalation when
/// stopping).
pub struct Exact<'a> {
    plan: &'a Article,
    truth: &'a Truth,
    /// Each world: its weight, the answer to every question, the fix that works.
    worlds: Vec<(f64, Vec<usize>, usize)>,
    /// Each question's "don't know" rate.
    dont_know: Vec<f64>,
    fix_ids: Vec<NodeId>,
    memo: std::collections::HashMap<(Vec<u8>, Vec<bool>, bool), f64>,
}

/// Most worlds (answer combinations) an article may have to be searched exactly.
pub const MAX_EXACT_WORLDS: usize = 512;

impl<'a> Exact<'a> {
    /// The worlds of `plan` under `truth`; `None` when there are too many to search.
    pub fn new(plan: &'a Article, truth: &'a Truth, dont_know: f64) -> Option<Exact<'a>> {
        // A shortcut's answer is no draw of its own: in every world it names the world's
        // cause (an agent who knows says what is true).
        let sizes: Vec<usize> = plan
            .questions
            .iter()
            .map(|q| if q.shortcut { 1 } else { q.answers.len() })
            .collect();
        let total: usize = sizes
            .iter()
            .try_fold(1usize, |acc, n| acc.checked_mul(*n))?;
        if total > MAX_EXACT_WORLDS || plan.solutions.len() + plan.workarounds.len() > 10 {
            return None;
        }
        let fix_ids: Vec<NodeId> = plan
            .solutions
            .iter()
            .chain(&plan.workarounds)
            .map(|r| r.id.clone())
            .collect();
        let rates: Vec<Vec<f64>> = plan.questions.iter().map(|q| q.base_rates()).collect();
        // Every answer combination, with its chance and where it leads.
        let mut reach: Vec<(Vec<usize>, f64, usize, Vec<usize>)> = Vec::new();
        let mut reach_of_cause = vec![0.0; plan.causes.len()];
        for index in 0..total {
            let mut rest = index;
            let mut answers: Vec<usize> = sizes
                .iter()
                .map(|n| {
                    let a = rest % n;
                    rest /= n;
                    a
                })
                .collect();
            let chance: f64 = answers
                .iter()
                .enumerate()
                .filter(|(q, _)| !plan.questions[*q].shortcut)
                .map(|(q, a)| rates[q][*a])
                .product();
            let Some((cause, remedy)) = follow(plan, &answers) else {
                continue;
            };
            let Some(c) = plan.causes.iter().position(|x| x.id == cause) else {
                continue;
            };
            let found = &plan.causes[c];
            let mut named = true;
            for (q, question) in plan
                .questions
                .iter()
                .enumerate()
                .filter(|(_, q)| q.shortcut)
            {
                let names = |a: &fixpath::model::Answer| {
                    a.goto.as_ref().is_some_and(|g| {
                        *g == found.id
                            || found.solutions.contains(g)
                            || found.workarounds.contains(g)
                    })
                };
                match question.answers.iter().position(names) {
                    Some(a) => answers[q] = a,
                    None => named = false,
                }
            }
            if !named {
                continue;
            }
            let fixes: Vec<usize> = if found.then.is_none() {
                found
                    .solutions
                    .iter()
                    .chain(&found.workarounds)
                    .filter_map(|r| fix_ids.iter().position(|f| f == r))
                    .collect()
            } else {
                fix_ids
                    .iter()
                    .position(|f| *f == remedy)
                    .into_iter()
                    .collect()
            };
            if fixes.is_empty() || chance <= 0.0 {
                continue;
            }
            reach_of_cause[c] += chance;
            reach.push((answers, chance, c, fixes));
        }
        let mut worlds = Vec::new();
        for (answers, chance, cause, fixes) in reach {
            let weight = truth.priors[cause] * chance / reach_of_cause[cause];
            for fix in &fixes {
                worlds.push((weight / fixes.len() as f64, answers.clone(), *fix));
            }
        }
        Some(Exact {
            plan,
            truth,
            worlds,
            dont_know: plan
                .questions
                .iter()
                .map(|q| dont_know_of(q, dont_know))
                .collect(),
            fix_ids,
            memo: std::collections::HashMap::new(),
        })
    }

    /// The worlds still possible after `answers` (255: not asked, 254: don't know) and
    /// the fixes `tried`, with their weights.
    fn live(&self, answers: &[u8], tried: &[bool]) -> Vec<(f64, usize, &[usize])> {
        self.worlds
            .iter()
            .filter(|(_, world, _)| {
                answers
                    .iter()
                    .zip(world)
                    .all(|(given, a)| *given >= 254 || usize::from(*given) == *a)
            })
            .map(|(weight, world, fix)| {
                let failed = if tried[*fix] {
                    1.0 - self.truth.success[*fix]
                } else {
                    1.0
                };
                (weight * failed, *fix, world.as_slice())
            })
            .filter(|(weight, ..)| *weight > 0.0)
            .collect()
    }

    /// The expected minutes from here: of the optimal strategy (`planner` false) or of the
    /// planner on `self.plan`'s figures.
    pub fn cost(&mut self, answers: &[u8], tried: &[bool], planner: bool) -> f64 {
        let key = (answers.to_vec(), tried.to_vec(), planner);
        if let Some(known) = self.memo.get(&key) {
            return *known;
        }
        // What the worlds still possible say, read before going deeper.
        let (total, masses, right) = {
            let live = self.live(answers, tried);
            let total: f64 = live.iter().map(|(w, ..)| w).sum();
            let masses: Vec<Vec<f64>> = self
                .plan
                .questions
                .iter()
                .enumerate()
                .map(|(q, question)| {
                    (0..question.answers.len())
                        .map(|a| {
                            live.iter()
                                .filter(|(_, _, w)| w[q] == a)
                                .map(|(w, ..)| w)
                                .sum()
                        })
                        .collect()
                })
                .collect();
            let right: Vec<f64> = (0..tried.len())
                .map(|r| {
                    live.iter()
                        .filter(|(_, fix, _)| *fix == r)
                        .map(|(w, ..)| w)
                        .sum()
                })
                .collect();
            (total, masses, right)
        };
        if total <= 1e-15 {
            return 0.0;
        }
        let ask = |this: &mut Self, q: usize| -> f64 {
            let mut value = this.truth.question_minutes[q];
            let mut unknown = answers.to_vec();
            unknown[q] = 254;
            let dont_know = this.dont_know[q];
            value += dont_know * this.cost(&unknown, tried, planner);
            for (a, mass) in masses[q].iter().enumerate() {
                if *mass > 0.0 {
                    let mut given = answers.to_vec();
                    given[q] = a as u8;
                    value += (1.0 - dont_know) * mass / total * this.cost(&given, tried, planner);
                }
            }
            value
        };
        let try_fix = |this: &mut Self, r: usize| -> f64 {
            let works = right[r] / total * this.truth.success[r];
            let mut after = tried.to_vec();
            after[r] = true;
            this.truth.fix_minutes[r] + (1.0 - works) * this.cost(answers, &after, planner)
        };
        let value = if planner {
            match self.planner_step(answers, tried) {
                Some(Step::Ask(q)) => ask(self, q),
                Some(Step::Try(r)) => try_fix(self, r),
                None => ESCALATION_MINUTES,
            }
        } else {
            // Every question, every fix, and escalating now are weighed.
            let mut best = ESCALATION_MINUTES;
            let unasked: Vec<usize> = (0..answers.len()).filter(|q| answers[*q] == 255).collect();
            for q in unasked {
                best = best.min(ask(self, q));
            }
            let untried: Vec<usize> = (0..tried.len()).filter(|r| !tried[*r]).collect();
            for r in untried {
                best = best.min(try_fix(self, r));
            }
            best
        };
        self.memo.insert(key, value);
        value
    }

    /// What the planner does here.
    fn planner_step(&self, answers: &[u8], tried: &[bool]) -> Option<Step> {
        use fixpath::session::{Next, Session, Subject, Timestamp};
        use fixpath::solve::{Facts, Given};
        let mut facts = Facts::new();
        for (q, given) in answers.iter().enumerate() {
            let question = &self.plan.questions[q];
            match *given {
                255 => {}
                254 => facts.set(question.id.clone(), Given::Unknown),
                a => facts.set(
                    question.id.clone(),
                    Given::Answer(question.answers[usize::from(a)].value.clone()),
                ),
            }
        }
        for (r, failed) in tried.iter().enumerate() {
            if *failed {
                facts.fail(self.fix_ids[r].clone());
            }
        }
        let session = Session::start(Subject::alone(self.plan), &facts, Timestamp(0)).ok()?;
        match session.next().ok()? {
            Next::Ask { question } => self
                .plan
                .questions
                .iter()
                .position(|q| q.id == question)
                .map(Step::Ask),
            Next::Try { remedy, .. } => self
                .fix_ids
                .iter()
                .position(|f| *f == remedy)
                .map(Step::Try),
            _ => None,
        }
    }

    /// The expected minutes of a session from the start.
    pub fn from_start(&mut self, planner: bool) -> f64 {
        let answers = vec![255u8; self.plan.questions.len()];
        let tried = vec![false; self.fix_ids.len()];
        self.cost(&answers, &tried, planner)
    }
}

/// A planner's step, by index.
enum Step {
    Ask(usize),
    Try(usize),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Knowing the cause at once and for free is the ceiling: on the same truth and draws
    /// no draft beats it by more than the noise of a few hundred sessions, and where checks
    /// pay (publish-license-error) the draft with checks beats the menu.
    #[test]
    fn the_cause_known_for_free_is_the_ceiling_of_every_draft() {
        let loaded = fixpath::load::load_embedded();
        let drafts: Vec<&Article> = multi_cause_drafts(&loaded.kb).take(6).collect();
        assert!(drafts.len() >= 6);
        for article in drafts {
            let Some(minutes) = menu_against_checks(article, 300, 0.15, 11) else {
                continue;
            };
            assert!(
                minutes.known <= minutes.menu + 0.5 && minutes.known <= minutes.checks + 0.5,
                "{}: {minutes:?}",
                article.id
            );
        }
        let publish = loaded
            .kb
            .articles
            .iter()
            .map(|e| &e.article)
            .find(|a| a.id.as_str() == "publish-license-error")
            .expect("the draft");
        let minutes = menu_against_checks(publish, 300, 0.15, 11).expect("fixes");
        assert!(
            minutes.known < minutes.checks && minutes.checks < minutes.menu,
            "{minutes:?}"
        );
    }

    /// The optimal strategy is never dearer than the planner's (it could do what the
    /// planner does), both are finite, and the planner is within 3% of it, on every
    /// searchable article.
    #[test]
    fn the_planner_is_within_three_percent_of_the_optimal_strategy() {
        let loaded = fixpath::load::load_embedded();
        let mut searched = 0;
        for entry in &loaded.kb.articles {
            let article = &entry.article;
            // The small ones: a debug build searches them in seconds.
            let fixes = article.solutions.len() + article.workarounds.len();
            if article.entry.is_none() || article.causes.len() < 2 || fixes > 4 || searched == 6 {
                continue;
            }
            let truth = draw_truth(article, 1.2, SUCCESS_FROM, &mut Rng(7));
            let known = oracle(article, &truth, 0.15);
            let Some(mut exact) = Exact::new(&known, &truth, 0.15) else {
                continue;
            };
            let planner = exact.from_start(true);
            let optimal = exact.from_start(false);
            assert!(optimal.is_finite() && planner.is_finite(), "{}", article.id);
            assert!(
                optimal <= planner + 1e-9,
                "{}: optimal {optimal} > planner {planner}",
                article.id
            );
            assert!(optimal > 0.0, "{}", article.id);
            // The planner on the true figures stays within 3% of the best any strategy does.
            assert!(
                planner <= optimal * 1.03,
                "{}: planner {planner} more than 3% above optimal {optimal}",
                article.id
            );
            searched += 1;
        }
        assert!(searched >= 3, "only {searched} articles searched");
    }
}
