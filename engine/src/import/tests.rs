use super::*;

/// Imports Markdown and describes the draft's shape in one line per node.
fn check(markdown: &str) -> String {
    let options = ImportOptions {
        source_path: "area/example-article.md".to_owned(),
        ..ImportOptions::default()
    };
    let imported = match import_markdown(markdown.as_bytes(), &options) {
        Ok(imported) => imported,
        Err(error) => return format!("error: {error}"),
    };
    let article = &imported.article;
    let mut out = vec![format!(
        "{} | {} | entry={}",
        article.id,
        article.title,
        article.entry.as_ref().map_or("-", |e| e.as_str())
    )];
    if !article.error_codes.is_empty() {
        out.push(format!("codes: {}", article.error_codes.join(", ")));
    }
    for symptom in &article.symptoms {
        out.push(format!(
            "symptom {}: {} steps",
            symptom.id,
            symptom.steps.len()
        ));
    }
    for cause in &article.causes {
        let fixes: Vec<String> = cause
            .solutions
            .iter()
            .chain(&cause.workarounds)
            .map(ToString::to_string)
            .collect();
        out.push(format!(
            "{}: {} -> {}",
            cause.id,
            cause.title,
            fixes.join(", ")
        ));
    }
    for remedy in article.solutions.iter().chain(&article.workarounds) {
        let design = if remedy.by_design { " (by design)" } else { "" };
        out.push(format!(
            "{}: {}{design}, {} steps",
            remedy.id,
            remedy.title,
            remedy.steps.len()
        ));
    }
    for question in &article.questions {
        let answers: Vec<String> = question
            .answers
            .iter()
            .map(|a| {
                format!(
                    "{}->{}",
                    a.value,
                    a.goto.as_ref().map_or("-", |g| g.as_str())
                )
            })
            .collect();
        out.push(format!(
            "{} [{} min]: {} ({})",
            question.id,
            question.cost.unwrap_or(1.0),
            question.text,
            answers.join(" ")
        ));
    }
    for note in &article.notes {
        out.push(format!("note: {}", note.lines().next().unwrap_or_default()));
    }
    for note in &imported.notes {
        out.push(format!("mapping: {note}"));
    }
    out.join("\n")
}

#[test]
fn numbered_causes_with_nested_solutions_and_workarounds() {
    let markdown = "---\ntitle: Front title\nms.date: 01/02/2023\n---\n# H1 title\n\n## Symptoms\n\nIt fails with `0x80070005`.\n\n## Cause 1: First reason\n\nBecause.\n\n### Solution: None (behavior is by design)\n\nNothing to do.\n\n## Cause 2: Second reason\n\nAlso because.\n\n### Solution 1: Fix it\n\n1. Do this.\n1. Then that.\n\n### Solution 2: Or this\n\nRun it.\n\n### Workaround: Avoid it\n\nAvoid.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | Front title | entry=check-1
    codes: 0x80070005
    symptom symptoms: 0 steps
    cause-1: First reason -> solution-1
    cause-2: Second reason -> solution-2, solution-3, workaround-1
    solution-1: None (behavior is by design) (by design), 0 steps
    solution-2: Fix it, 2 steps
    solution-3: Or this, 0 steps
    workaround-1: Avoid it, 0 steps
    check-1 [5 min]: Do the signs below point to *First reason*? (yes->cause-1 no->check-2)
    check-2 [5 min]: Do the signs below point to *Second reason*? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    "#);
}

#[test]
fn single_cause_with_resolution_methods_goes_straight_to_the_cause() {
    let markdown = "# Error 3156 when restoring\n\n## Symptoms\n\nMsg 3156 appears.\n\n## Cause\n\nThe path is wrong.\n\n## Resolution\n\nUse the following methods.\n\n### Method 1\n\nFix the path.\n\n### Method 2\n\nMove the file.\n\n## More information\n\nDetails.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | Error 3156 when restoring | entry=cause-1
    codes: 3156
    symptom symptoms: 0 steps
    cause-1: The path is wrong. -> solution-1, solution-2
    solution-1: Method 1, 0 steps
    solution-2: Method 2, 0 steps
    note: ## More information
    mapping: no front matter: title and dates come from the body
    "#);
}

#[test]
fn resolutions_for_numbered_causes_and_alternative_causes() {
    let markdown = "# Two causes\n\n## Cause 1\n\nOne.\n\n## Cause 2\n\nTwo.\n\n## Resolution for cause 2\n\nFix two.\n\n## Resolution for cause 1\n\nFix one.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | Two causes | entry=check-1
    cause-1: One. -> solution-1
    cause-2: Two. -> solution-2
    solution-1: Resolution for cause 1, 0 steps
    solution-2: Resolution for cause 2, 0 steps
    check-1 [5 min]: Does this apply: One? (yes->cause-1 no->check-2)
    check-2 [5 min]: Does this apply: Two? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    mapping: cause-1: nothing better than 'Does this apply' could be drafted; reword its question
    mapping: cause-2: nothing better than 'Does this apply' could be drafted; reword its question
    "#);
    let markdown = "# Alternatives\n\n## Symptoms\n\nBroken.\n\n## Cause\n\nThis issue occurs for any of the following reasons:\n\n- The disk is full.\n- The service is stopped.\n\n## Workaround\n\nTo work around this issue, use one of the following methods:\n\n- Free some space.\n- Start the service.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | Alternatives | entry=check-1
    symptom symptoms: 0 steps
    cause-1: The disk is full. -> workaround-1
    cause-2: The service is stopped. -> workaround-2
    workaround-1: Free some space., 0 steps
    workaround-2: Start the service., 0 steps
    check-1 [5 min]: Is the disk full? (yes->cause-1 no->check-2)
    check-2 [5 min]: Is the service stopped? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    "#);
}

#[test]
fn issue_groups_and_implied_causes() {
    let markdown = "# ARR\n\n## Issue 1: Affinity fails\n\nClients lose affinity.\n\n### Cause for Issue 1\n\nCookies.\n\n### Resolution for Issue 1\n\nSet the cookie.\n\n## Issue 2: Names\n\nNames are ignored.\n\n### Cause for Issue 2\n\nBy design.\n\n### Resolution for Issue 2\n\nUse a rule.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | ARR | entry=check-1
    cause-1: Cookies. -> solution-1
    cause-2: By design. -> solution-2
    solution-1: Resolution for Issue 1, 0 steps
    solution-2: Resolution for Issue 2, 0 steps
    check-1 [5 min]: Do the signs below point to *Cookies*? (yes->cause-1 no->check-2)
    check-2 [5 min]: Do the signs below point to *By design*? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    "#);
    let markdown = "---\ntitle: No cause given\n---\n## Symptoms\n\nIt breaks.\n\n## Resolution\n\nRestart it.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | No cause given | entry=cause-1
    symptom symptoms: 0 steps
    cause-1: Cause not stated in the source article -> solution-1
    solution-1: Resolution, 0 steps
    mapping: no Cause section: one cause is implied
    "#);
}

#[test]
fn informational_articles_have_no_entry_and_unknown_sections_become_notes() {
    let markdown = "---\ntitle: A notice\n---\n# A notice\n\nThis feature is retired.\n\n## Timeline\n\nIn 2025.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | A notice | entry=-
    note: ## Timeline
    "#);
}

#[test]
fn malformed_empty_and_binary_files() {
    assert_eq!(check(""), "error: the file is empty");
    assert_eq!(check("   \n\n"), "error: the file is empty");
    let options = ImportOptions::default();
    assert_eq!(
        import_markdown(&[0xff, 0xfe, 0x00, 0x41], &options).unwrap_err(),
        ImportError::NotText
    );
    assert_eq!(
        import_markdown(b"PK\x03\x04\x00\x00binary", &options).unwrap_err(),
        ImportError::NotText
    );
    // An unterminated fence, an HTML block, a heading with no text, broken front matter.
    let markdown = "---\ntitle: [unclosed\n---\n# \n\n## Symptoms\n\n<div onclick=\"x()\">raw html</div>\n\n```powershell\nGet-Thing\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | example article | entry=cause-1
    symptom symptoms: 0 steps
    cause-1: Cause not stated in the source article -> 
    mapping: front matter is not valid YAML (did not find expected ',' or ']' at line 2 column 1, while parsing a flow sequence at line 1 column 8); it was ignored
    mapping: no title in front matter or an H1: the file name is used
    mapping: no Cause section: one cause is implied
    "#);
}

#[test]
fn every_imported_draft_loads_back_without_errors() {
    let markdown = "# T\n\n## Symptoms\n\nX fails: `0x1`.\n\n## Cause 1: A\n\nA.\n\n### Solution\n\n1. One\n1. Two\n\n## Cause 2: B\n\nB.\n\n### Workaround\n\nW.\n";
    let imported = import_markdown(
        markdown.as_bytes(),
        &ImportOptions {
            source_path: "x.md".into(),
            ..ImportOptions::default()
        },
    )
    .unwrap();
    let yaml = crate::load::to_yaml(&imported.article);
    let loaded = crate::load::load_sources(vec![("x.yaml".to_owned(), yaml.into_bytes())]);
    let problems: Vec<String> = crate::check(&loaded)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(loaded.kb.articles[0].article, imported.article);
}

#[test]
fn options_under_a_resolution_are_separate_fixes() {
    insta::assert_snapshot!(check(
        "# Sync fails\n\n## Cause\n\nThe account is locked.\n\n## Resolution\n\n### Option 1: Unlock the account\n\nUnlock it.\n\n### Option 2: Use another account\n\nSwitch accounts.\n"
    ), @r#"
    example-article | Sync fails | entry=cause-1
    cause-1: The account is locked. -> solution-1, solution-2
    solution-1: Unlock the account, 0 steps
    solution-2: Use another account, 0 steps
    mapping: no front matter: title and dates come from the body
    "#);
}

#[test]
fn sections_named_for_what_they_do_after_a_cause_are_fixes() {
    // No Resolution heading: "Verify ...", "Check ...", "Make sure ..." are the fixes.
    insta::assert_snapshot!(check(
        "# Printer offline\n\n## Symptoms\n\nNothing prints.\n\n## Cause\n\nThe spooler stopped.\n\n## Verify that the spooler runs\n\nRun `Get-Service spooler`.\n\n## Make sure the driver is current\n\nUpdate it.\n\n## More information\n\nSee the docs.\n"
    ), @r#"
    example-article | Printer offline | entry=cause-1
    symptom symptoms: 0 steps
    cause-1: The spooler stopped. -> solution-1, solution-2
    solution-1: Verify that the spooler runs, 0 steps
    solution-2: Make sure the driver is current, 0 steps
    note: ## More information
    mapping: no front matter: title and dates come from the body
    "#);
    // With a Resolution heading, such a section stays where it stands (a note).
    insta::assert_snapshot!(check(
        "# Printer offline\n\n## Cause\n\nThe spooler stopped.\n\n## Resolution\n\nStart it.\n\n## Check the event log\n\nLook for 7031.\n"
    ), @r#"
    example-article | Printer offline | entry=cause-1
    cause-1: The spooler stopped. -> solution-1
    solution-1: Resolution, 0 steps
    note: ## Check the event log
    mapping: no front matter: title and dates come from the body
    "#);
}

#[test]
fn a_how_to_that_checks_then_acts_has_an_implied_cause_and_its_fix() {
    insta::assert_snapshot!(check(
        "# Users can't sign in after a certificate expires\n\n## Determine whether the certificate expired\n\nRun `certutil -store my`.\n\n## Renew the certificate\n\nRequest a new one.\n"
    ), @r#"
    example-article | Users can't sign in after a certificate expires | entry=cause-1
    cause-1: Cause not stated in the source article -> solution-1
    solution-1: Renew the certificate, 0 steps
    note: ## Determine whether the certificate expired
    mapping: no front matter: title and dates come from the body
    mapping: no Cause section: one cause is implied
    "#);
    // Without the check, an article of instructions describes no problem.
    insta::assert_snapshot!(check(
        "# Set up the connector\n\n## Install the connector\n\nRun setup.\n\n## Configure the connector\n\nSign in.\n"
    ), @r#"
    example-article | Set up the connector | entry=-
    note: ## Install the connector
    note: ## Configure the connector
    mapping: no front matter: title and dates come from the body
    "#);
}

#[test]
fn conditions_listed_after_occurs_if_are_causes_each_but_both_is_one() {
    insta::assert_snapshot!(check(
        "# VPN drops\n\n## Cause\n\nThis issue occurs if:\n\n- The tunnel times out.\n- The certificate is revoked.\n\n## Resolution\n\nReconnect.\n"
    ), @r#"
    example-article | VPN drops | entry=check-1
    cause-1: The tunnel times out. -> solution-1
    cause-2: The certificate is revoked. -> solution-1
    solution-1: Resolution, 0 steps
    check-1 [5 min]: Does the tunnel time out? (yes->cause-1 no->check-2)
    check-2 [5 min]: Is the certificate revoked? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    "#);
    insta::assert_snapshot!(check(
        "# VPN drops\n\n## Cause\n\nThis issue occurs if both the following conditions are true:\n\n- The tunnel times out.\n- The certificate is revoked.\n\n## Resolution\n\nReconnect.\n"
    ), @r#"
    example-article | VPN drops | entry=cause-1
    cause-1: The tunnel times out, and the certificate is revoked -> solution-1
    solution-1: Resolution, 0 steps
    mapping: no front matter: title and dates come from the body
    "#);
    // A list that is not of reasons (the keys a cause changed) stays one cause.
    insta::assert_snapshot!(check(
        "# PEAP missing\n\n## Cause\n\nAn installer changed these keys:\n\n- `HKLM\\\\A`\n- `HKLM\\\\B`\n\n## Resolution\n\nRestore them.\n"
    ), @r#"
    example-article | PEAP missing | entry=cause-1
    cause-1: An installer changed these keys: HKLM\\A HKLM\\B -> solution-1
    solution-1: Resolution, 0 steps
    mapping: no front matter: title and dates come from the body
    "#);
}

#[test]
fn several_lists_of_reasons_in_one_cause_are_causes_each() {
    insta::assert_snapshot!(check(
        "# Connect fails\n\n## Cause\n\nError 0x2AFC\n\nThis error may occur if one of the following conditions is true:\n\n- A proxy blocks it.\n- The name can't be resolved.\n\nError 0x274D\n\nThis error may occur if one of the following conditions is true:\n\n- The firewall blocks it.\n- The NRPT is wrong.\n\n## Resolution\n\nAdd an NRPT entry.\n"
    ), @r#"
    example-article | Connect fails | entry=check-1
    codes: 0x2AFC, 0x274D
    cause-1: A proxy blocks it. -> solution-1
    cause-2: The name can't be resolved. -> solution-1
    cause-3: The firewall blocks it. -> solution-1
    cause-4: The NRPT is wrong. -> solution-1
    solution-1: Resolution, 0 steps
    check-1 [5 min]: Do the signs below point to *A proxy blocks it*? (yes->cause-1 no->check-2)
    check-2 [5 min]: Can the name be resolved? (yes->check-3 no->cause-2)
    check-3 [5 min]: Do the signs below point to *The firewall blocks it*? (yes->cause-3 no->check-4)
    check-4 [5 min]: Is the NRPT wrong? (yes->cause-4 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2 cause-3->cause-3 cause-4->cause-4)
    mapping: no front matter: title and dates come from the body
    "#);
}

#[test]
fn step_groups_are_one_procedure_unless_each_fixes_its_own_cause() {
    // Steps of one procedure: one fix.
    insta::assert_snapshot!(check(
        "# VM won't boot\n\n## Cause\n\nThe BCD is corrupt.\n\n## Resolution\n\n### Step 1: Attach the disk to a repair VM\n\nAttach it.\n\n### Step 2: Repair the BCD\n\nRun bcdedit.\n"
    ), @r#"
    example-article | VM won't boot | entry=cause-1
    cause-1: The BCD is corrupt. -> solution-1
    solution-1: Resolution, 0 steps
    mapping: no front matter: title and dates come from the body
    "#);
    // One group per cause, each naming its cause: each fixes that cause.
    insta::assert_snapshot!(check(
        "# Can't enable writeback\n\n## Cause\n\nThis issue can occur if one of the following conditions is true:\n\n- The organization isn't enabled for device writeback.\n- A domain controller that holds an FSMO role isn't replicating.\n\n## Resolution\n\n### Step 1: Troubleshoot FSMO role replication\n\nRun repadmin.\n\n### Step 2: Enable the organization for device writeback\n\nRun Initialize-ADSyncDeviceWriteBack.\n"
    ), @r#"
    example-article | Can't enable writeback | entry=check-1
    cause-1: The organization isn't enabled for device writeback. -> solution-1
    cause-2: A domain controller that holds an FSMO role isn't replicating. -> solution-2
    solution-1: Step 2: Enable the organization for device writeback, 0 steps
    solution-2: Step 1: Troubleshoot FSMO role replication, 0 steps
    check-1 [5 min]: Is the organization enabled for device writeback? (yes->check-2 no->cause-1)
    check-2 [5 min]: Is a domain controller that holds an FSMO role replicating? (yes->escalate no->cause-2)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    mapping: Resolution: 2 step groups, one per cause
    "#);
}

#[test]
fn a_resolution_made_of_named_actions_or_alternatives_has_a_fix_each() {
    insta::assert_snapshot!(check(
        "# Flow fails\n\n## Cause\n\nThe schema changed.\n\n## Solution\n\n### Refresh the flow\n\nSelect Refresh.\n\n### Check for null inputs\n\nCompare the inputs.\n\n### Clear the conversation state\n\nType /debug clearstate.\n\n### More information\n\nA note, kept with the last fix.\n"
    ), @r#"
    example-article | Flow fails | entry=cause-1
    cause-1: The schema changed. -> solution-1, solution-2, solution-3
    solution-1: Refresh the flow, 0 steps
    solution-2: Check for null inputs, 0 steps
    solution-3: Clear the conversation state, 0 steps
    mapping: no front matter: title and dates come from the body
    "#);
    insta::assert_snapshot!(check(
        "# Console error\n\n## Cause\n\nWMF 3.0 is missing.\n\n## Resolution\n\nDo one of the following:\n\n- Install WMF 3.0.\n- Run the tool on Windows Server 2012 R2.\n"
    ), @r#"
    example-article | Console error | entry=cause-1
    cause-1: WMF 3.0 is missing. -> solution-1, solution-2
    solution-1: Install WMF 3.0., 0 steps
    solution-2: Run the tool on Windows Server 2012 R2., 0 steps
    mapping: no front matter: title and dates come from the body
    "#);
}

#[test]
fn numbered_reasons_and_scenarios_are_causes_each() {
    // "one of the following reasons" before a numbered list; a `Reasons why` heading holds its list.
    let markdown = "# VPN fails\n\n## Symptoms\n\nIt fails.\n\n## Cause\n\nThis error may occur for one of the following reasons:\n\n1. The CRL location is unreachable.\n2. The CRL has expired.\n\n## Resolution\n\nPublish the CRL.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | VPN fails | entry=check-1
    symptom symptoms: 0 steps
    cause-1: The CRL location is unreachable. -> solution-1
    cause-2: The CRL has expired. -> solution-1
    solution-1: Resolution, 0 steps
    check-1 [5 min]: Is the CRL location unreachable? (yes->cause-1 no->check-2)
    check-2 [5 min]: Has the CRL expired? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    "#);
    let markdown = "# Can't create it\n\n## Reasons why it can't be created\n\n1. The VM size is unsupported.\n\n   Only Av2 and B series are supported.\n\n1. The subscription doesn't have the required quota.\n\n   You get an insufficient quota error.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | Can't create it | entry=check-1
    cause-1: The VM size is unsupported. -> 
    cause-2: The subscription doesn't have the required quota. -> 
    check-1 [5 min]: Is the VM size unsupported? (yes->cause-1 no->check-2)
    check-2 [5 min]: Does the subscription have the required quota? (yes->escalate no->cause-2)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    "#);
    // "in the following scenarios", but "both the following conditions" is one cause.
    let markdown = "# Service stops\n\n## Cause\n\nThis issue happens in the following scenarios:\n\n1. The service was set to **disabled**.\n2. Another required service is not running.\n";
    assert!(check(markdown).contains("cause-2: Another required service is not running."));
    let markdown = "# Link fails\n\n## Cause\n\nThis issue occurs if both the following conditions are true:\n\n- The option is set to **Yes**.\n- The app isn't installed.\n";
    assert!(!check(markdown).contains("cause-2"), "{}", check(markdown));
}

#[test]
fn bold_cause_paragraphs_and_scenario_headings_are_causes_each() {
    let markdown = "# Sync fails\n\n## Cause\n\nThere are two causes.\n\n**Cause 1:** The time is out of sync.\n\nCheck the clock.\n\n**Cause 2: The TLS setting is off**\n\nTLS 1.2 is disabled.\n\n## Resolution\n\n**Resolution 1:** Sync the time.\n\n**Resolution 2:** Enable TLS 1.2.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | Sync fails | entry=check-1
    cause-1: The time is out of sync. -> solution-1
    cause-2: The TLS setting is off -> solution-2
    solution-1: Sync the time., 0 steps
    solution-2: Enable TLS 1.2., 0 steps
    check-1 [5 min]: Is the time out of sync? (yes->cause-1 no->check-2)
    check-2 [5 min]: Is the TLS setting off? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    mapping: Cause: 2 causes marked in bold
    "#);
    let markdown = "# Deploy fails\n\n## Scenario 1: The package is too large\n\nEvent ID 1001 is logged.\n\n### Resolution\n\nSplit the package.\n\n## Scenario 2: The account has no licence\n\nThe portal shows no licence.\n\n### Resolution\n\nAssign a licence.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | Deploy fails | entry=check-1
    codes: 1001
    cause-1: The package is too large -> solution-1
    cause-2: The account has no licence -> solution-2
    solution-1: Resolution, 0 steps
    solution-2: Resolution, 0 steps
    check-1 [5 min]: Is the package too large? (yes->cause-1 no->check-2)
    check-2 [5 min]: Does the account have a licence? (yes->escalate no->cause-2)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    "#);
}

#[test]
fn a_resolution_that_links_one_section_per_cause_has_a_fix_each() {
    // The shared preparation leads each fix; the closing section follows each; the cause
    // listed as a link to its fix's heading takes the heading's words.
    let markdown = "# Boot fails\n\n## Causes\n\n### Missing Binary\n\nA driver file is missing.\n\n### BCD Corruption\n\nThe BCD is corrupted.\n\n## Solution\n\n### Prepare\n\nCreate a repair VM. Then pick one:\n\n- [Repair the File](#repair-the-file)\n- [Add the OSDEVICE variable](#add-the-osdevice-variable)\n\n### Repair the File\n\nCopy the file back.\n\n### Add the OSDEVICE variable\n\nRun `bcdedit`. Then see [Rebuild](#rebuild).\n\n### Rebuild\n\nRebuild the VM.\n";
    let out = check(markdown);
    insta::assert_snapshot!(out, @r#"
    example-article | Boot fails | entry=check-1
    cause-1: Missing Binary -> solution-1
    cause-2: BCD Corruption -> solution-2
    solution-1: Repair the File, 0 steps
    solution-2: Add the OSDEVICE variable, 0 steps
    check-1 [5 min]: Do the signs below point to *Missing Binary*? (yes->cause-1 no->check-2)
    check-2 [5 min]: Do the signs below point to *BCD Corruption*? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    "#);
    let options = ImportOptions::default();
    let article = import_markdown(markdown.as_bytes(), &options)
        .unwrap()
        .article;
    for solution in &article.solutions {
        assert!(
            solution.text.starts_with("### Prepare"),
            "{}",
            solution.text
        );
        assert!(
            solution.text.ends_with("Rebuild the VM."),
            "{}",
            solution.text
        );
    }
    let markdown = "# Replica disconnected\n\n## Possible causes\n\nThis issue can be caused by one of the following reasons:\n\n- [The port is in conflict](#the-port-is-in-conflict-with-another-application).\n- [The endpoint isn't started](#the-endpoint-isnt-started).\n\n## Possible solutions\n\n#### The port is in conflict with another application\n\nRun `Get-NetTCPConnection`.\n\n#### The endpoint isn't started\n\nStart it.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | Replica disconnected | entry=check-1
    cause-1: The port is in conflict with another application -> solution-1
    cause-2: The endpoint isn't started -> solution-2
    solution-1: The port is in conflict with another application, 0 steps
    solution-2: The endpoint isn't started, 0 steps
    check-1 [2 min]: Is the port in conflict with another application? (yes->cause-1 no->check-2)
    check-2 [5 min]: Is the endpoint started? (yes->escalate no->cause-2)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    "#);
}

/// Imports Markdown and returns the draft.
fn draft(markdown: &str) -> Article {
    import_markdown(markdown.as_bytes(), &ImportOptions::default())
        .unwrap()
        .article
}

#[test]
fn a_noun_in_s_is_not_taken_for_a_verb() {
    for sentence in [
        "Windows Server 2003 domain controllers handle certain scenarios unexpectedly.",
        "ARR generating the session cookie with domain parameters that include the port.",
        "Limitations and restrictions of capacity reservation.",
        "The forwarders list holds the server's own address.",
        // A comma that is not a list's ("Additionally, ...") and a second part that is
        // a step, not a clause, give no question.
        "Additionally, the service is stopped.",
        "That's a known issue that is fixed in the next build.",
        "The service is stopped, and restart it.",
        "You must restart the server.",
        // A modal inside a setting's name is not the verb.
        "The tenant setting Guests can share files is turned off.",
    ] {
        assert_eq!(checks::invert(sentence), None, "{sentence}");
    }
}

#[test]
fn drafted_checks_word_the_cause_as_a_question_with_the_answer_that_points_to_it() {
    for (sentence, question, pointing) in [
        (
            "The Reading Pane isn't enabled.",
            "Is the Reading Pane enabled?",
            "no",
        ),
        (
            "The execution policy is set to Restricted.",
            "Is the execution policy set to Restricted?",
            "yes",
        ),
        (
            "The user doesn't have a Copilot Studio per-user license.",
            "Does the user have a Copilot Studio per-user license?",
            "no",
        ),
        (
            "The PowerShell version that you are using is higher than 5.1.",
            "Is the PowerShell version that you are using higher than 5.1?",
            "yes",
        ),
        (
            "The account has no licence.",
            "Does the account have a licence?",
            "no",
        ),
        (
            "The Netlogon service was set to disabled.",
            "Is the Netlogon service set to disabled?",
            "yes",
        ),
        (
            "There is a lack of quota in the region.",
            "Is there a lack of quota in the region?",
            "yes",
        ),
        // "has" before a participle is the auxiliary; "That" opening a subject is a
        // determiner, not a relative clause.
        (
            "That particular DNS server has lost its secure channel with the PDC.",
            "Has that particular DNS server lost its secure channel with the PDC?",
            "yes",
        ),
        // A main verb in the third person goes through "does"; a noun in -s does not.
        (
            "WebDAV Publishing interferes with HTTP PUT.",
            "Does WebDAV Publishing interfere with HTTP PUT?",
            "yes",
        ),
        (
            "The DNS server holds a stale record for the zone.",
            "Does the DNS server hold a stale record for the zone?",
            "yes",
        ),
        (
            "The sync rule applies a scoping filter to every object.",
            "Does the sync rule apply a scoping filter to every object?",
            "yes",
        ),
        (
            "The user has no Exchange Online license.",
            "Does the user have an Exchange Online license?",
            "no",
        ),
        // "You're" is "you are"; a relative "that's" inside the subject is not "it's".
        (
            "You're signing in with a guest account.",
            "Are you signing in with a guest account?",
            "yes",
        ),
        (
            "The token that's issued by the gateway is expired.",
            "Is the token that's issued by the gateway expired?",
            "yes",
        ),
        // Two clauses joined by ", and": one question about both; a negative clause keeps
        // its "not" so that Yes still points to the cause.
        (
            "You're behind a web proxy, and the request times out.",
            "Are you behind a web proxy, and does the request time out?",
            "yes",
        ),
        (
            "You're using the legacy client, and you don't have the update installed.",
            "Are you using the legacy client, and do you not have the update installed?",
            "yes",
        ),
        (
            "You enter an expired password.",
            "Do you enter an expired password?",
            "yes",
        ),
        (
            "The proxy object, CN=Gateway, is missing.",
            "Is the proxy object, CN=Gateway, missing?",
            "yes",
        ),
        // A subject that is a list keeps its commas.
        (
            "The portal, the API, or both are published behind the gateway.",
            "Are the portal, the API, or both published behind the gateway?",
            "yes",
        ),
    ] {
        let markdown = format!(
            "# Fails\n\n## Cause\n\nThis issue occurs for one of the following reasons:\n\n- {sentence}\n- Another service is stopped.\n"
        );
        let article = draft(&markdown);
        let check = article
            .questions
            .iter()
            .find(|q| {
                q.answers
                    .iter()
                    .any(|a| a.goto.as_ref().is_some_and(|g| g.as_str() == "cause-1"))
                    && q.id.as_str() != "which-cause"
            })
            .unwrap_or_else(|| panic!("no check for {sentence}: {:?}", article.questions));
        assert_eq!(check.text, question);
        let points: Vec<&str> = check
            .answers
            .iter()
            .filter(|a| a.goto.as_ref().is_some_and(|g| g.as_str() == "cause-1"))
            .map(|a| a.value.as_str())
            .collect();
        assert_eq!(points, [pointing], "{sentence}");
        assert!(check.generated);
        assert!(
            check.help.contains(&format!(
                "**{}** points to this cause",
                if pointing == "yes" { "Yes" } else { "No" }
            )),
            "{}",
            check.help
        );
    }
}

#[test]
fn a_check_quotes_the_command_of_its_cause_and_names_the_section_it_comes_from() {
    let markdown = "# Scripts fail\n\n## Cause\n\nThis issue occurs for one of the following reasons:\n\n- The PowerShell version that you are using is higher than 5.1.\n- The execution policy is set to Restricted.\n\n## Resolution\n\n### Check the PowerShell version\n\nRun `$PSVersionTable` and read **PSVersion**.\n\n### Change the execution policy\n\nRun `Set-ExecutionPolicy RemoteSigned`.\n";
    let article = draft(markdown);
    let version = article
        .questions
        .iter()
        .find(|q| q.text.contains("PowerShell version"))
        .unwrap();
    assert!(
        version
            .help
            .contains("> Run `$PSVersionTable` and read **PSVersion**."),
        "{}",
        version.help
    );
    assert!(
        version
            .help
            .contains("from *Resolution: Check the PowerShell version*"),
        "{}",
        version.help
    );
    assert!(
        !version.help.contains("Set-ExecutionPolicy"),
        "{}",
        version.help
    );
    let policy = article
        .questions
        .iter()
        .find(|q| q.text.contains("execution policy"))
        .unwrap();
    assert!(
        policy.help.contains("Set-ExecutionPolicy RemoteSigned"),
        "{}",
        policy.help
    );
    // Both checks run a command: 2 minutes each.
    assert_eq!(
        (version.cost, policy.cost),
        (Some(COST_COMMAND), Some(COST_COMMAND))
    );
}

#[test]
fn the_cost_rule_orders_message_command_console_sync() {
    // The same two-cause article with the first cause's sign read in four ways.
    let check_cost = |sign: &str, symptom: &str| {
        let markdown = format!(
            "# Sync fails\n\n## Symptoms\n\n{symptom}\n\n## Cause\n\nThis issue occurs for one of the following reasons:\n\n- The connector account lacks the replication permission.\n- Another service is stopped.\n\n## Resolution\n\n### Grant the replication permission\n\n{sign}\n"
        );
        let article = draft(&markdown);
        let check = article
            .questions
            .iter()
            .find(|q| q.text.contains("connector account"))
            .unwrap();
        check.cost.unwrap()
    };
    let message = check_cost(
        "The error says RPC Error 8453: the replication permission is missing.",
        "Event 611 shows RPC Error 8453.",
    );
    let command = check_cost(
        "Run `Get-ADPermission -Identity connector` to see the replication permission.",
        "It fails.",
    );
    let console = check_cost(
        "Open the **Active Directory Users and Computers** console and look at the replication permission on the **Security** tab.",
        "It fails.",
    );
    let sync = check_cost(
        "Wait for the next sync cycle: the replication permission shows in the log.",
        "It fails.",
    );
    assert_eq!(
        (message, command, console, sync),
        (COST_MESSAGE, COST_COMMAND, COST_CONSOLE, COST_SYNC)
    );
    assert!(message < command && command < console && console < sync);
}

#[test]
fn unobservable_causes_get_no_question_and_a_fallback_is_marked_for_the_writer() {
    let markdown = "# Pane missing\n\n## Cause\n\nThis issue occurs for one of the following reasons:\n\n- This is a temporary error.\n- The Reading Pane isn't enabled.\n- Quantum flux.\n\n## Resolution\n\nRetry later.\n";
    let imported = import_markdown(markdown.as_bytes(), &ImportOptions::default()).unwrap();
    let article = &imported.article;
    let leads_to = |cause: &str| {
        article
            .questions
            .iter()
            .filter(|q| q.id.as_str() != "which-cause")
            .filter(|q| {
                q.answers
                    .iter()
                    .any(|a| a.goto.as_ref().is_some_and(|g| g.as_str() == cause))
            })
            .count()
    };
    assert_eq!(
        (
            leads_to("cause-1"),
            leads_to("cause-2"),
            leads_to("cause-3")
        ),
        (1, 1, 1)
    );
    // The cause without a sign is what is left where every check said no: no question is
    // its own.
    let own = article
        .questions
        .iter()
        .filter(|q| {
            q.answers.iter().any(|a| {
                a.goto.as_ref().is_some_and(|g| g.as_str() == "cause-1") && a.base_rate.is_some()
            })
        })
        .count();
    assert_eq!(own, 0);
    let fallback = article
        .questions
        .iter()
        .find(|q| q.text == "Does this apply: Quantum flux?")
        .unwrap();
    assert!(
        fallback.help.starts_with(FALLBACK_MARK),
        "{}",
        fallback.help
    );
    assert!(
        imported
            .notes
            .iter()
            .any(|n| n.starts_with("cause-3: nothing better than"))
    );
    assert!(
        imported
            .notes
            .iter()
            .any(|n| n.starts_with("cause-1: no sign an agent can check"))
    );
    // The menu stays, last, as a shortcut for an agent who knows; the entry is a check.
    let menu = article.questions.last().unwrap();
    assert_eq!(
        (menu.id.as_str(), menu.dont_know, menu.shortcut),
        ("which-cause", Some(MENU_DONT_KNOW), true)
    );
    assert_ne!(article.entry.as_ref().unwrap().as_str(), "which-cause");
}

/// Where every check said no: escalate when every cause has a check, a menu of the causes
/// without a sign when there are several; the which-cause menu is a shortcut nothing leads
/// to, and the draft passes `check`.
#[test]
fn the_chain_ends_where_every_check_said_no() {
    let ends = |markdown: &str| {
        let imported = import_markdown(markdown.as_bytes(), &ImportOptions::default()).unwrap();
        let article = imported.article;
        let loaded = crate::load::load_sources(vec![(
            "a.yaml".to_owned(),
            crate::load::to_yaml(&article).into_bytes(),
        )]);
        assert!(
            loaded.diagnostics.iter().all(|d| !d.is_error()),
            "{:?}",
            loaded.diagnostics
        );
        let last_check = article
            .questions
            .iter()
            .rfind(|q| q.id.as_str().starts_with("check-"))
            .unwrap();
        let end = last_check
            .answers
            .iter()
            .find(|a| a.base_rate.is_none())
            .and_then(|a| a.goto.clone())
            .unwrap();
        let shortcuts: Vec<String> = article
            .questions
            .iter()
            .filter(|q| q.shortcut)
            .map(|q| q.id.to_string())
            .collect();
        let led_to_shortcut = article.questions.iter().any(|q| {
            q.answers
                .iter()
                .any(|a| a.goto.as_ref().is_some_and(|g| g.as_str() == "which-cause"))
        });
        assert!(!led_to_shortcut);
        let left = article
            .question(&NodeId(LEFT_MENU.to_owned()))
            .map(|q| q.answers.len());
        (end.to_string(), shortcuts, left)
    };
    let all_seen = "# Sync fails\n\n## Cause\n\nThis issue occurs for one of the following reasons:\n\n- The time is out of sync.\n- The TLS setting is off.\n\n## Resolution\n\nFix it.\n";
    assert_eq!(
        ends(all_seen),
        ("escalate".to_owned(), vec!["which-cause".to_owned()], None)
    );
    let two_unseen = "# Pane missing\n\n## Cause\n\nThis issue occurs for one of the following reasons:\n\n- This is a temporary error.\n- An issue is cached by your web browser.\n- The Reading Pane isn't enabled.\n\n## Resolution\n\nRetry later.\n";
    assert_eq!(
        ends(two_unseen),
        (
            LEFT_MENU.to_owned(),
            vec!["which-cause".to_owned()],
            Some(2)
        )
    );
}

#[test]
fn a_step_of_the_own_fix_that_says_what_to_look_at_is_quoted() {
    // The step names none of the cause's own words, but it says what to verify.
    let markdown = "# Method not allowed\n\n## Cause\n\nThis issue occurs for one of the following reasons:\n\n- The client uses a method that doesn't comply with the specifications.\n- A static page gets a POST request.\n\n## Resolution for cause 1\n\n1. Open the configuration file.\n2. Make sure that all the handlers use valid HTTP methods.\n\n## Resolution for cause 2\n\nSend the POST request to another page.\n";
    let article = draft(markdown);
    let method = article
        .questions
        .iter()
        .find(|q| q.text.contains("specifications"))
        .unwrap();
    assert!(
        method
            .help
            .contains("Make sure that all the handlers use valid HTTP methods"),
        "{}",
        method.help
    );
    assert!(
        !method.help.contains("Open the configuration file"),
        "{}",
        method.help
    );
}

#[test]
fn conditions_after_any_of_the_following_conditions_are_true_are_causes_each() {
    let article = draft(
        "# Sign-in fails\n\n## Cause\n\nThis issue occurs if any of the following conditions are true:\n\n- The account is locked out.\n- The password has expired.\n\n## Resolution\n\nUnlock the account or reset the password.\n",
    );
    let titles: Vec<&str> = article.causes.iter().map(|c| c.title.as_str()).collect();
    assert_eq!(
        titles,
        ["The account is locked out.", "The password has expired."]
    );
    assert_eq!(
        article
            .questions
            .iter()
            .filter(|q| q.id.as_str() != "which-cause")
            .count(),
        2
    );
}

#[test]
fn a_cause_whose_verb_is_in_a_contraction_is_asked_about_its_signs_not_garbled() {
    let article = draft(
        "# Sync stops\n\n## Cause\n\nThis issue occurs for one of the following reasons:\n\n- It's a known issue that was fixed in sync tool build 1.0.6455.0807.\n- The Netlogon service was set to disabled.\n",
    );
    let texts: Vec<&str> = article.questions.iter().map(|q| q.text.as_str()).collect();
    assert!(
        texts.iter().all(|t| !t.starts_with("Is It's")),
        "{texts:#?}"
    );
    // Nothing better than the marked fallback can be drafted from it: the writer finds it.
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("Does this apply: It's a known issue")),
        "{texts:#?}"
    );
}

#[test]
fn a_cause_column_holding_html_gives_a_title_in_words() {
    let article = draft(
        "# Password sync fails\n\n## Symptoms\n\nEvent ID 611 is logged.\n\n## Resolution\n\nFind the description in the table below.\n\n## More information\n\n| Description | Cause | More information |\n| --- | --- | --- |\n| RPC Error 8453 | <p>The connector account is missing permissions:</p><ul><li><p>Replicating Directory Changes</p></li></ul> | Grant them. |\n| RPC Error 8439 | The DC runs Windows Server 2003. | Upgrade it. |\n",
    );
    let titles: Vec<&str> = article.causes.iter().map(|c| c.title.as_str()).collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert!(titles.iter().all(|t| !t.contains('<')), "{titles:?}");
    assert!(
        titles[0].starts_with("The connector account is missing permissions"),
        "{titles:?}"
    );
    // The cell's text is kept as written (rendered, and sanitised, as Markdown).
    assert!(article.causes[0].text.contains("<ul><li>"));
}

/// The blocks of `markdown` that the draft's text does not hold (headings aside): empty
/// when no text was lost on the way.
fn lost(markdown: &str) -> Vec<String> {
    let article = draft(markdown);
    let mut held = vec![article.title.clone(), article.summary.clone()];
    let body = |text: &str, steps: &[String], after: &str| {
        format!("{text}\n\n{}\n\n{after}", steps.join("\n\n"))
    };
    for symptom in &article.symptoms {
        held.push(body(&symptom.text, &symptom.steps, &symptom.after));
    }
    for cause in &article.causes {
        held.push(cause.title.clone());
        held.push(body(&cause.text, &cause.steps, &cause.after));
    }
    for remedy in article.solutions.iter().chain(&article.workarounds) {
        held.push(body(&remedy.text, &remedy.steps, &remedy.after));
    }
    held.extend(article.notes.iter().cloned());
    let held = crate::text::plain_text(&held.join("\n\n"));
    crate::text::missing_blocks(markdown, &held)
}

#[test]
fn issue_27_resolution_bullets_that_open_with_a_condition_are_causes_each() {
    let markdown = "# Time sync fails\n\n## Symptoms\n\nThe clock drifts.\n\n## Resolution\n\nOpen the Services console and look at the Windows Time service:\n\n- If the service is disabled, set its startup type to Automatic and start it.\n- When event 1234 is logged, run `w32tm /resync`.\n- In case the time source can't be reached, open UDP port 123 on the firewall.\n- If the issue persists, contact support.\n\nThe clock corrects itself within an hour.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | Time sync fails | entry=check-1
    codes: 1234
    symptom symptoms: 0 steps
    cause-1: The service is disabled -> solution-1
    cause-2: Event 1234 is logged -> solution-2
    cause-3: The time source can't be reached -> solution-3
    solution-1: Set its startup type to Automatic and start it., 0 steps
    solution-2: Run w32tm /resync., 0 steps
    solution-3: Open UDP port 123 on the firewall., 0 steps
    check-1 [2 min]: Is event 1234 logged? (yes->cause-2 no->check-2)
    check-2 [5 min]: Is the service disabled? (yes->cause-1 no->check-3)
    check-3 [5 min]: Can the time source be reached? (yes->escalate no->cause-3)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2 cause-3->cause-3)
    mapping: no front matter: title and dates come from the body
    mapping: no cause stated: 3 causes from the cases the resolution names
    "#);
    let article = draft(markdown);
    // Each fix is led by the shared text and closed by it.
    for solution in &article.solutions {
        assert!(
            solution.text.starts_with("Open the Services console"),
            "{}",
            solution.text
        );
        assert!(
            solution.text.ends_with("within an hour."),
            "{}",
            solution.text
        );
    }
    assert!(lost(markdown).is_empty(), "{:?}", lost(markdown));
    // Paragraphs work the same way, and a cause that only says there are several is
    // replaced by the cases (its text leads the first).
    let markdown = "# Sign-in fails\n\n## Cause\n\nThis issue can occur for several reasons.\n\n## Resolution\n\nIf the account is locked out, unlock it in the admin center.\n\n```powershell\nUnlock-ADAccount -Identity user\n```\n\nIf the password has expired, reset it.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | Sign-in fails | entry=check-1
    cause-1: The account is locked out -> solution-1
    cause-2: The password has expired -> solution-2
    solution-1: Unlock it in the admin center., 0 steps
    solution-2: Reset it., 0 steps
    check-1 [2 min]: Is the account locked out? (yes->cause-1 no->check-2)
    check-2 [5 min]: Has the password expired? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    mapping: no cause stated: 2 causes from the cases the resolution names
    "#);
    assert!(lost(markdown).is_empty(), "{:?}", lost(markdown));
    // A stated cause keeps the "If ..." items as steps of its fix.
    let markdown = "# Sign-in fails\n\n## Cause\n\nThe account is locked out.\n\n## Resolution\n\n- If the account is locked out, unlock it.\n- If you want to, reset the password too.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | Sign-in fails | entry=cause-1
    cause-1: The account is locked out. -> solution-1
    solution-1: Resolution, 0 steps
    mapping: no front matter: title and dates come from the body
    "#);
}

#[test]
fn issue_27_verify_sections_under_a_resolution_are_causes_each_with_their_check() {
    let markdown = "# Names don't resolve\n\n## Symptoms\n\nClients can't resolve names.\n\n## Resolution\n\nWork through these sections in order.\n\n### Verify that the DNS Server service is running\n\nRun `Get-Service DNS` and read **Status**. If it's stopped, start it.\n\n### Make sure that the zone has the record\n\nOpen DNS Manager and look for the A record. Add it if it's missing.\n\n### Check whether the firewall blocks port 53\n\nRun `Test-NetConnection -Port 53`. If it fails, allow the port.\n\n### Check the forwarders\n\nOpen the server's properties and look at the **Forwarders** tab.\n\n## More information\n\nSee the DNS docs.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | Names don't resolve | entry=check-1
    symptom symptoms: 0 steps
    cause-1: The DNS Server service isn't running -> solution-1
    cause-2: The zone doesn't have the record -> solution-2
    cause-3: The firewall blocks port 53 -> solution-3
    cause-4: Check the forwarders -> solution-4
    solution-1: Verify that the DNS Server service is running, 0 steps
    solution-2: Make sure that the zone has the record, 0 steps
    solution-3: Check whether the firewall blocks port 53, 0 steps
    solution-4: Check the forwarders, 0 steps
    check-1 [2 min]: Is the DNS Server service running? (yes->check-2 no->cause-1)
    check-2 [2 min]: Do the signs below point to *The firewall blocks port 53*? (yes->cause-3 no->check-3)
    check-3 [5 min]: Does the zone have the record? (yes->check-4 no->cause-2)
    check-4 [5 min]: Do the signs below point to *Check the forwarders*? (yes->cause-4 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2 cause-3->cause-3 cause-4->cause-4)
    note: ## More information
    mapping: no front matter: title and dates come from the body
    mapping: no cause stated: 4 causes from the cases the resolution names
    "#);
    let article = draft(markdown);
    let service = article
        .questions
        .iter()
        .find(|q| q.text.contains("DNS Server service"))
        .unwrap();
    assert!(service.help.contains("Get-Service DNS"), "{}", service.help);
    assert!(lost(markdown).is_empty(), "{:?}", lost(markdown));
    for (heading, cause) in [
        (
            "Verify that the DNS Server service is running",
            "The DNS Server service isn't running",
        ),
        (
            "Make sure the account has the Log on as a service right",
            "The account doesn't have the Log on as a service right",
        ),
        (
            "Ensure that the certificate isn't expired",
            "The certificate is expired",
        ),
        (
            "Confirm that the NS record points to the server",
            "The NS record doesn't point to the server",
        ),
        (
            "Check whether the firewall blocks port 53",
            "The firewall blocks port 53",
        ),
        (
            "Check whether the service is running",
            "The service isn't running",
        ),
        ("Check the DNS settings", "Check the DNS settings"),
    ] {
        assert_eq!(cases::cause_of_check(heading), cause, "{heading}");
    }
}

#[test]
fn issue_27_causes_under_one_of_several_symptoms_are_found() {
    // `Symptom N` sections, each with its own Cause and Resolution.
    let markdown = "# Restore fails\n\n## Symptom 1: The restore fails with error 1205\n\nError 1205 is logged.\n\n### Cause\n\nA self-deadlock blocks the restore.\n\n### Resolution\n\nEnable trace flag 9109.\n\n## Symptom 2: The restore is slow\n\nThe log shows delivery errors.\n\n### Cause\n\nQuery notifications are fired.\n\n### Resolution\n\nApply the fix.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | Restore fails | entry=check-1
    codes: 1205
    cause-1: A self-deadlock blocks the restore. -> solution-1
    cause-2: Query notifications are fired. -> solution-2
    solution-1: Resolution, 0 steps
    solution-2: Resolution, 0 steps
    check-1 [5 min]: Does a self-deadlock block the restore? (yes->cause-1 no->check-2)
    check-2 [5 min]: Are Query notifications fired? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    "#);
    assert!(lost(markdown).is_empty(), "{:?}", lost(markdown));
    // A heading per error message, each listing its reasons: a cause per reason, each
    // with that heading's fix.
    let markdown = "# Sync errors\n\n## Error 0x8023062C\n\nThis error occurs for one of the following reasons:\n\n- The connector account lacks the reset password permission.\n- The account is protected by AdminSDHolder.\n\n### Resolution\n\nGrant the permission.\n\n## Error 0x80230619\n\nThe password doesn't meet the policy.\n\n### Cause\n\nThe minimum password age is set.\n\n### Resolution\n\nClear the minimum password age.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | Sync errors | entry=check-1
    codes: 0x8023062C, 0x80230619
    cause-1: The connector account lacks the reset password permission. -> solution-1
    cause-2: The account is protected by AdminSDHolder. -> solution-1
    cause-3: The minimum password age is set. -> solution-2
    solution-1: Resolution, 0 steps
    solution-2: Resolution, 0 steps
    check-1 [5 min]: Does the connector account lack the reset password permission? (yes->cause-1 no->check-2)
    check-2 [5 min]: Is the account protected by AdminSDHolder? (yes->cause-2 no->check-3)
    check-3 [5 min]: Is the minimum password age set? (yes->cause-3 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2 cause-3->cause-3)
    mapping: no front matter: title and dates come from the body
    "#);
    assert!(lost(markdown).is_empty(), "{:?}", lost(markdown));
    // One Cause section cut by symptom: "Cause for Symptom 1: ...", "The other symptoms
    // ..."; each symptom's text is quoted in its cause's check.
    let markdown = "# Restore fails\n\n## Symptoms\n\n- Symptom 1: The restore fails with error 1205.\n- Symptom 2: Error 9768 is logged and the database goes offline.\n\n## Cause\n\nCause for Symptom 1: When you specify the NEW_BROKER option, the restore deadlocks.\n\nFor more information, see the docs. The other symptoms are caused by known issues that the fix articles document.\n\n## Resolution\n\nEnable trace flag 9109.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | Restore fails | entry=check-1
    codes: 1205, 9768
    symptom symptoms: 0 steps
    cause-1: When you specify the NEW_BROKER option, the restore deadlocks. -> solution-1
    cause-2: The other symptoms are caused by known issues that the fix articles document. -> solution-1
    solution-1: Resolution, 0 steps
    check-1 [1 min]: Do the signs below point to *When you specify the NEW_BROKER option, the restore deadlocks*? (yes->cause-1 no->check-2)
    check-2 [1 min]: Are the other symptoms caused by known issues that the fix articles document? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    mapping: Cause: 2 causes, one per symptom
    "#);
    let article = draft(markdown);
    let others = article
        .questions
        .iter()
        .find(|q| {
            q.answers
                .iter()
                .any(|a| a.goto.as_ref().is_some_and(|g| g.as_str() == "cause-2"))
                && q.id.as_str() != "which-cause"
        })
        .unwrap();
    assert!(others.help.contains("Error 9768"), "{}", others.help);
    assert!(lost(markdown).is_empty(), "{:?}", lost(markdown));
}

#[test]
fn issue_27_more_ways_to_state_cases_and_symptoms() {
    // Items that say what to verify, and a list the text has the reader check.
    let markdown = "# Replication fails\n\n## Symptoms\n\nEvent 2092 is logged.\n\n## Resolution\n\n- Make sure that the server has a static IP address.\n- Verify that the DNS Client service is running, and start it if it isn't.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | Replication fails | entry=check-1
    codes: 2092
    symptom symptoms: 0 steps
    cause-1: The server doesn't have a static IP address -> solution-1
    cause-2: The DNS Client service isn't running -> solution-2
    solution-1: Make sure that the server has a static IP address, 0 steps
    solution-2: Verify that the DNS Client service is running, and start it if it isn't, 0 steps
    check-1 [5 min]: Does the server have a static IP address? (yes->check-2 no->cause-1)
    check-2 [5 min]: Is the DNS Client service running? (yes->escalate no->cause-2)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    mapping: no cause stated: 2 causes from the cases the resolution names
    "#);
    assert!(lost(markdown).is_empty(), "{:?}", lost(markdown));
    let markdown = "# Packets sent to itself\n\n## Symptoms\n\nEvent 7000 is logged.\n\n## Cause\n\nCheck the following settings for an address of this server:\n\n1. The forwarders list.\n2. The zone transfer list.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | Packets sent to itself | entry=check-1
    codes: 7000
    symptom symptoms: 0 steps
    cause-1: The forwarders list. -> 
    cause-2: The zone transfer list. -> 
    check-1 [5 min]: Does this apply: The forwarders list? (yes->cause-1 no->check-2)
    check-2 [5 min]: Does this apply: The zone transfer list? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    mapping: cause-1: nothing better than 'Does this apply' could be drafted; reword its question
    mapping: cause-2: nothing better than 'Does this apply' could be drafted; reword its question
    "#);
    // A stated cause that names none of the cases says what kind of problem it is; the
    // cases say which.
    let markdown = "# Zone doesn't load\n\n## Cause\n\nActive Directory can't be read at startup.\n\n## Resolution\n\nIf the domain controller is the only one in the domain, restart the DNS service after the directory starts.\n\nIf other domain controllers exist, force replication from a partner.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | Zone doesn't load | entry=check-1
    cause-1: The domain controller is the only one in the domain -> solution-1
    cause-2: Other domain controllers exist -> solution-2
    solution-1: Restart the DNS service after the directory starts., 0 steps
    solution-2: Force replication from a partner., 0 steps
    check-1 [5 min]: Is the domain controller the only one in the domain? (yes->cause-1 no->check-2)
    check-2 [5 min]: Do the signs below point to *Other domain controllers exist*? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    mapping: no cause stated: 2 causes from the cases the resolution names
    "#);
    assert!(lost(markdown).is_empty(), "{:?}", lost(markdown));
    // Symptoms with a sub-section per error holding its Cause; a Cause with a sub-section
    // per event; plain `Cause:` and `Resolution:` paragraphs.
    let markdown = "# Sync errors\n\n## Symptoms\n\nSync stops with one of two errors.\n\n### Error 0x8023062C\n\nThe reset fails.\n\n#### Cause\n\nThe account lacks the permission.\n\n#### Resolution\n\nGrant it.\n\n### Error 0x80230619\n\nThe password is refused.\n\n#### Cause\n\nThe minimum age is set.\n\n#### Resolution\n\nClear it.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | Sync errors | entry=check-1
    codes: 0x8023062C, 0x80230619
    symptom symptoms: 0 steps
    cause-1: The account lacks the permission. -> solution-1
    cause-2: The minimum age is set. -> solution-2
    solution-1: Resolution, 0 steps
    solution-2: Resolution, 0 steps
    check-1 [5 min]: Does the account lack the permission? (yes->cause-1 no->check-2)
    check-2 [5 min]: Is the minimum age set? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    "#);
    assert!(lost(markdown).is_empty(), "{:?}", lost(markdown));
    let markdown = "# Zones don't load\n\n## Cause\n\nTwo events tell the causes apart.\n\n### Event ID 4000\n\nThe directory can't be opened.\n\n### Event ID 4007\n\nThe zone's registry key is damaged.\n\n## Resolution\n\nRestart the service.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | Zones don't load | entry=check-1
    codes: 4000, 4007
    cause-1: The directory can't be opened. -> solution-1
    cause-2: The zone's registry key is damaged. -> solution-1
    solution-1: Resolution, 0 steps
    check-1 [5 min]: Can the directory be opened? (yes->check-2 no->cause-1)
    check-2 [5 min]: Is the zone's registry key damaged? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    mapping: Cause: 2 causes, one per symptom section
    "#);
    assert!(lost(markdown).is_empty(), "{:?}", lost(markdown));
    let markdown = "# Shutdown was dirty\n\n## Service takes too long\n\nCause: The service needs more than 30 seconds to stop.\n\nResolution: Raise the shutdown timeout.\n\n## Power loss\n\nCause: The server lost power.\n\nResolution: Use a UPS.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | Shutdown was dirty | entry=check-1
    cause-1: Service takes too long -> solution-1
    cause-2: Power loss -> solution-2
    solution-1: Service takes too long, 0 steps
    solution-2: Power loss, 0 steps
    check-1 [5 min]: Do the signs below point to *Service takes too long*? (yes->cause-1 no->check-2)
    check-2 [5 min]: Do the signs below point to *Power loss*? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    "#);
    assert!(lost(markdown).is_empty(), "{:?}", lost(markdown));
}

#[test]
fn issue_27_a_shared_resolution_whose_cases_answer_one_cause_each_is_split() {
    let markdown = "# Sign-in fails\n\n## Cause\n\nThis issue occurs for one of the following reasons:\n\n- The account is locked out.\n- The password has expired.\n\n## Resolution\n\nOpen the admin center.\n\n- If the password has expired, reset the password.\n- If the account is locked out, unlock the account.\n\nAsk the user to sign in again.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | Sign-in fails | entry=check-1
    cause-1: The account is locked out. -> solution-1
    cause-2: The password has expired. -> solution-2
    solution-1: Unlock the account., 0 steps
    solution-2: Reset the password., 0 steps
    check-1 [5 min]: Is the account locked out? (yes->cause-1 no->check-2)
    check-2 [5 min]: Has the password expired? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    mapping: Resolution: one part per cause
    "#);
    let article = draft(markdown);
    for solution in &article.solutions {
        assert!(
            solution.text.starts_with("Open the admin center."),
            "{}",
            solution.text
        );
        assert!(
            solution.text.ends_with("sign in again."),
            "{}",
            solution.text
        );
    }
    assert!(lost(markdown).is_empty(), "{:?}", lost(markdown));
}

#[test]
fn issue_27_reasons_listed_under_the_symptoms_or_in_a_note_are_causes_each() {
    // Reasons under the symptom: a cause each; the symptom keeps the rest.
    let markdown = "# Event 7000 is logged\n\n## Symptoms\n\nEvent 7000 is logged.\n\nThis event is logged in the following situations:\n\n- The forwarders list holds an address of this server.\n- A secondary zone's master list holds an address of this server.\n\n## Resolution\n\nRemove the address.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | Event 7000 is logged | entry=check-1
    codes: 7000
    symptom symptoms: 0 steps
    cause-1: The forwarders list holds an address of this server. -> solution-1
    cause-2: A secondary zone's master list holds an address of this server. -> solution-1
    solution-1: Resolution, 0 steps
    check-1 [5 min]: Does this apply: The forwarders list holds an address of this server? (yes->cause-1 no->check-2)
    check-2 [5 min]: Does this apply: A secondary zone's master list holds an address of this server? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    mapping: Symptoms: 2 causes from the reasons it lists
    mapping: cause-1: nothing better than 'Does this apply' could be drafted; reword its question
    mapping: cause-2: nothing better than 'Does this apply' could be drafted; reword its question
    "#);
    assert!(lost(markdown).is_empty(), "{:?}", lost(markdown));
    // Signs listed under the symptom stay the symptom.
    let markdown = "# Import hangs\n\n## Symptoms\n\nOne of the following occurs:\n\n- Event 6801 is logged.\n- Event 109 is logged.\n\n## Resolution\n\nUpgrade.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | Import hangs | entry=cause-1
    codes: 6801, 109
    symptom symptoms: 0 steps
    cause-1: Cause not stated in the source article -> solution-1
    solution-1: Resolution, 0 steps
    mapping: no front matter: title and dates come from the body
    mapping: no Cause section: one cause is implied
    "#);
    // Reasons in a note, in an article that names no cause otherwise.
    let markdown = "# Shutdown was dirty\n\n## Symptoms\n\nEvent 2213 is logged.\n\n## Resolution\n\nResume replication.\n\n## More information\n\nThis can happen for one of the following reasons:\n\n- The service needs more than 30 seconds to stop.\n- The server lost power.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | Shutdown was dirty | entry=check-1
    codes: 2213
    symptom symptoms: 0 steps
    cause-1: The service needs more than 30 seconds to stop. -> solution-1
    cause-2: The server lost power. -> solution-1
    solution-1: Resolution, 0 steps
    check-1 [5 min]: Does this apply: The service needs more than 30 seconds to stop? (yes->cause-1 no->check-2)
    check-2 [5 min]: Does this apply: The server lost power? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    note: ## More information
    mapping: no front matter: title and dates come from the body
    mapping: 2 causes from the reasons a note lists
    mapping: cause-1: nothing better than 'Does this apply' could be drafted; reword its question
    mapping: cause-2: nothing better than 'Does this apply' could be drafted; reword its question
    "#);
    assert!(lost(markdown).is_empty(), "{:?}", lost(markdown));
}

#[test]
fn issue_27_top_level_verify_sections_and_if_paragraphs_without_a_resolution_heading() {
    // No Cause and no Resolution heading: each `Verify ...` section is a cause, its fix
    // the section.
    let markdown = "# Zone transfers fail\n\n## Symptoms\n\nEvent 6525 is logged.\n\n## Verify that the secondary server is in the zone transfer list\n\nOpen the zone's properties and select **Zone Transfers**. Add the server if it's missing.\n\n## Make sure that TCP port 53 is open\n\nRun `Test-NetConnection -Port 53`. Open the port if the test fails.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | Zone transfers fail | entry=check-1
    codes: 6525
    symptom symptoms: 0 steps
    cause-1: The secondary server isn't in the zone transfer list -> solution-1
    cause-2: TCP port 53 isn't open -> solution-2
    solution-1: Verify that the secondary server is in the zone transfer list, 0 steps
    solution-2: Make sure that TCP port 53 is open, 0 steps
    check-1 [2 min]: Is TCP port 53 open? (yes->check-2 no->cause-2)
    check-2 [5 min]: Is the secondary server in the zone transfer list? (yes->escalate no->cause-1)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    mapping: no cause stated: 2 causes from the cases the resolution names
    "#);
    assert!(lost(markdown).is_empty(), "{:?}", lost(markdown));
    // A section of its own name made of "If ..." paragraphs.
    let markdown = "# Sync stops\n\n## Symptoms\n\nSync stops.\n\n## What to do\n\nIf the service is stopped, start it.\n\nIf the account is locked, unlock it.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | Sync stops | entry=check-1
    symptom symptoms: 0 steps
    cause-1: The service is stopped -> solution-1
    cause-2: The account is locked -> solution-2
    solution-1: Start it., 0 steps
    solution-2: Unlock it., 0 steps
    check-1 [5 min]: Is the service stopped? (yes->cause-1 no->check-2)
    check-2 [5 min]: Is the account locked? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    mapping: no cause stated: 2 causes from the cases the resolution names
    "#);
    assert!(lost(markdown).is_empty(), "{:?}", lost(markdown));
}

#[test]
fn a_cause_that_can_also_happen_in_a_paragraph_of_its_own_is_a_cause_of_its_own() {
    let two = "# Reports fail to render\n\n## Symptoms\n\nThe report server returns error rsReportServerDatabaseUnavailable.\n\n## Cause\n\nThis happens when the report server's service account has lost its permissions on the catalog database.\n\nThe issue can also occur if the catalog database is set to single-user mode.\n\n## Resolution\n\nGrant the account the RSExecRole role, or set the database to multi-user mode.\n";
    insta::assert_snapshot!(check(two), @r#"
    example-article | Reports fail to render | entry=check-1
    symptom symptoms: 0 steps
    cause-1: This happens when the report server's service account has lost its permissions on the catalog database. -> solution-1
    cause-2: The catalog database is set to single-user mode -> solution-1
    solution-1: Resolution, 0 steps
    check-1 [5 min]: Has the report server's service account lost its permissions on the catalog database? (yes->cause-1 no->check-2)
    check-2 [5 min]: Is the catalog database set to single-user mode? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    mapping: Cause: 2 causes, the others "also" in paragraphs of their own
    "#);
    // A sentence that goes on in the first cause's own paragraph is that cause's extent.
    let one = "# Reports fail to render\n\n## Symptoms\n\nThe report server returns an error.\n\n## Cause\n\nThe report server's service account has lost its permissions on the catalog database.\nThis issue also occurs when a member server changes the account.\n\n## Resolution\n\nGrant the account the RSExecRole role.\n";
    assert_eq!(draft(one).causes.len(), 1);
}

#[test]
fn a_resolution_of_as_many_cases_as_stated_causes_gives_each_cause_its_case_in_order() {
    let markdown = "# Zones do not load\n\n## Symptoms\n\nEvent ID 4000 is logged.\n\n## Cause\n\nThis happens when the server has lost its secure channel with the PDC.\n\nThis can also happen in a single-server forest where the server points to itself as its primary DNS server.\n\n## Resolution\n\nIf other DNS servers are present, then point the server to another DNS server.\n\n1. Stop the KDC service.\n2. Reset the machine password with `netdom resetpwd /server:PDC`.\n\nIf there is no other DNS server, run the same steps with the server's own address.\n";
    let article = draft(markdown);
    let fixes: Vec<(String, Vec<String>)> = article
        .causes
        .iter()
        .map(|c| {
            (
                c.title.clone(),
                c.solutions
                    .iter()
                    .map(|s| article.remedy(s).unwrap().title.clone())
                    .collect(),
            )
        })
        .collect();
    // The second case runs "the same steps": its fix carries them.
    let second = article.remedy(&article.causes[1].solutions[0]).unwrap();
    let second_text = format!("{}\n{}", second.text, second.steps.join("\n"));
    assert!(second_text.contains("netdom resetpwd"), "{second_text}");
    assert_eq!(
        fixes,
        [
            (
                "This happens when the server has lost its secure channel with the PDC.".to_owned(),
                vec!["Point the server to another DNS server.".to_owned()]
            ),
            (
                "This can also happen in a single-server forest where the server points to itself as its primary DNS server.".to_owned(),
                vec!["Run the same steps with the server's own address.".to_owned()]
            ),
        ]
    );
}

#[test]
fn a_cause_list_followed_by_the_steps_that_verify_it_is_still_a_list_of_causes() {
    // The Cause lists its causes, then numbers the steps of a test: two lists, the first
    // holding the causes. The steps stay in the draft (with the last cause).
    let markdown = "# Sign-in fails\n\n## Cause\n\nThis issue can occur if one of the following conditions is true:\n\n- The token service isn't reachable from the internet.\n- The gateway certificate is expired.\n\nTo test it, follow these steps:\n\n1. Open the connectivity tester.\n2. Run the sign-in test.\n\n## Resolution\n\nPublish the service.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | Sign-in fails | entry=check-1
    cause-1: The token service isn't reachable from the internet. -> solution-1
    cause-2: The gateway certificate is expired. -> solution-1
    solution-1: Resolution, 0 steps
    check-1 [5 min]: Is the token service reachable from the internet? (yes->check-2 no->cause-1)
    check-2 [5 min]: Is the gateway certificate expired? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    mapping: Cause: 2 causes listed before the text that follows them
    "#);
    let article = draft(markdown);
    let last = &article.causes[1];
    assert!(
        last.text.contains("To test it, follow these steps:"),
        "{}",
        last.text
    );
    assert_eq!(
        last.steps.last().map(String::as_str),
        Some("Run the sign-in test.")
    );
}

#[test]
fn a_later_paragraph_that_states_another_cause_is_a_cause_of_its_own() {
    // "This error may occur when ..." after the first cause's conditions: a second cause;
    // a paragraph introducing a list, or one that says when the first happens most, is not.
    insta::assert_snapshot!(check(
        "# Shell lost\n\n## Cause\n\nThis issue occurs if the following conditions are true:\n\n- You are using a guest account.\n- Connections are routed through another region.\n\nThis error may occur when a node is drained for an upgrade.\n\n## Resolution\n\nRun the cmdlet again.\n"
    ), @r#"
    example-article | Shell lost | entry=check-1
    cause-1: You are using a guest account, and connections are routed through another region -> solution-1
    cause-2: This error may occur when a node is drained for an upgrade. -> solution-1
    solution-1: Resolution, 0 steps
    check-1 [5 min]: Are you using a guest account, and are connections routed through another region? (yes->cause-1 no->check-2)
    check-2 [5 min]: Is a node drained for an upgrade? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    mapping: Cause: 2 causes, the others "also" in paragraphs of their own
    "#);
    insta::assert_snapshot!(check(
        "# Share denied\n\n## Cause\n\nThis problem can occur when you open a share in another domain.\n\nThis problem occurs most commonly when a computer is moved to another domain.\n\n## Resolution\n\nEnable the account.\n"
    ), @r#"
    example-article | Share denied | entry=cause-1
    cause-1: This problem can occur when you open a share in another domain. -> solution-1
    solution-1: Resolution, 0 steps
    mapping: no front matter: title and dates come from the body
    "#);
}

#[test]
fn cases_are_read_from_the_list_that_holds_them_among_several() {
    // The Resolution first lists two modules (no cases), then the cases; the item between
    // two cases that states none goes with the case before it.
    let markdown = "# Licence fails\n\n## Resolution\n\nTwo modules are supported:\n\n- MSOL\n- AzureAD\n\nThis issue can occur under different circumstances.\n\n- If the usage location is empty, set it with `Set-MsolUser`.\n- To resolve this issue, try assigning the licence in PowerShell.\n- If sync errors are present on the object, fix them first.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | Licence fails | entry=check-1
    cause-1: The usage location is empty -> solution-1
    cause-2: Sync errors are present on the object -> solution-2
    solution-1: Set it with Set-MsolUser., 0 steps
    solution-2: Fix them first., 0 steps
    check-1 [2 min]: Is the usage location empty? (yes->cause-1 no->check-2)
    check-2 [5 min]: Are sync errors present on the object? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    mapping: no cause stated: 2 causes from the cases the resolution names
    "#);
    let article = draft(markdown);
    let first = &article.solutions[0].text;
    assert!(
        first.contains("try assigning the licence in PowerShell"),
        "{first}"
    );
}

#[test]
fn a_fix_that_goes_on_if_it_still_fails_names_a_second_cause() {
    // "If you still can't ..., the folder might be ...": a second cause, fixed by the text
    // from there on; the modal reads as "Could ...?".
    let markdown = "# Folder stays\n\n## Cause\n\nThe folder wasn't unlinked from the channel.\n\n## Resolution\n\nRename the folder, then delete it.\n\nIf you still can't delete the folder, the folder might be linked to an active channel. To find the channel, open the folder.\n\nDelete the channel first.\n";
    insta::assert_snapshot!(check(markdown), @r#"
    example-article | Folder stays | entry=check-1
    cause-1: The folder wasn't unlinked from the channel. -> solution-1
    cause-2: The folder might be linked to an active channel -> solution-2
    solution-1: Resolution, 0 steps
    solution-2: To find the channel, open the folder., 0 steps
    check-1 [5 min]: Is the folder unlinked from the channel? (yes->check-2 no->cause-1)
    check-2 [5 min]: Could the folder be linked to an active channel? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    mapping: a second cause where a fix goes on "if it still fails": The folder might be linked to an active channel
    "#);
    let article = draft(markdown);
    assert!(
        !article.solutions[0].text.contains("still"),
        "{}",
        article.solutions[0].text
    );
    assert!(
        article.solutions[1]
            .text
            .ends_with("Delete the channel first.")
    );
}

#[test]
fn reasons_stated_in_a_solution_or_a_note_are_causes() {
    // A Solution that opens with the conditions; a note of "several reasons why" in an
    // article with no other section; "another possible cause" in a paragraph of its own.
    insta::assert_snapshot!(check(
        "# Frames blocked\n\n## Problem\n\nFramed pages are blocked.\n\n## Solution\n\nThis issue occurs when one of the following conditions is true:\n\n- You're showing the pages on an external site.\n- You're showing the pages on a site in another domain.\n"
    ), @r#"
    example-article | Frames blocked | entry=check-1
    cause-1: You're showing the pages on an external site -> solution-1
    cause-2: You're showing the pages on a site in another domain -> solution-2
    solution-1: You're showing the pages on an external site, 0 steps
    solution-2: You're showing the pages on a site in another domain, 0 steps
    check-1 [5 min]: Are you showing the pages on an external site? (yes->cause-1 no->check-2)
    check-2 [5 min]: Are you showing the pages on a site in another domain? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    note: ## Problem
    mapping: no front matter: title and dates come from the body
    mapping: no cause stated: 2 causes from the cases the resolution names
    "#);
    insta::assert_snapshot!(check(
        "# Cannot delete\n\n## Summary\n\nYou can't delete files.\n\n## More information\n\nThere are several reasons why you may be unable to delete a file. Try each of these.\n\n- Ensure the file isn't checked out to another user.\n- The site might have exceeded its storage limit.\n"
    ), @r#"
    example-article | Cannot delete | entry=check-1
    cause-1: The file is checked out to another user -> 
    cause-2: The site might have exceeded its storage limit. -> 
    check-1 [5 min]: Is the file checked out to another user? (yes->cause-1 no->check-2)
    check-2 [5 min]: Could the site have exceeded its storage limit? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    note: ## More information
    mapping: no front matter: title and dates come from the body
    mapping: 2 causes from the reasons a note lists
    "#);
    insta::assert_snapshot!(check(
        "# Viewer fails\n\n## Cause\n\nThe front ends can't find the shared services.\n\nAnother possible cause for these errors is a problem with the service account.\n\n## Resolution\n\nStart the services.\n"
    ), @r#"
    example-article | Viewer fails | entry=check-1
    cause-1: The front ends can't find the shared services. -> solution-1
    cause-2: Another possible cause for these errors is a problem with the service account. -> solution-1
    solution-1: Resolution, 0 steps
    check-1 [5 min]: Can the front ends find the shared services? (yes->check-2 no->cause-1)
    check-2 [5 min]: Do the signs below point to *a problem with the service account*? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    mapping: Cause: 2 causes, the others "also" in paragraphs of their own
    "#);
    // Ways to fix are not causes: "resolved in one of the following methods".
    insta::assert_snapshot!(check(
        "# Login fails\n\n## Resolution\n\nThis can be resolved in one of the following methods:\n\n- Use an integrated login.\n- Enable SQL logins on the server.\n"
    ), @r#"
    example-article | Login fails | entry=cause-1
    cause-1: Cause not stated in the source article -> solution-1, solution-2
    solution-1: Use an integrated login., 0 steps
    solution-2: Enable SQL logins on the server., 0 steps
    mapping: no front matter: title and dates come from the body
    mapping: no Cause section: one cause is implied
    "#);
}

#[test]
fn issue_27_requirements_that_must_be_met_are_causes_each_when_not_met() {
    // In the article's opening text, with no Cause or Resolution heading: each requirement
    // is a cause when it is not met, asked the way the article states it (No points to the
    // cause), its fix the item itself.
    insta::assert_snapshot!(check(
        "# Contacts missing from search\n\nImported contacts don't appear in search.\n\nThe following requirements must be met for contacts to appear in a search:\n\n- Your mailbox must be hosted on Exchange Online, not on premises.\n- A phone number must be included in every contact.\n- You must search for the contact by email address, not by name.\n\n## Method 1: Run a connectivity test\n\nRun the **Federation** test in the connectivity analyzer.\n"
    ), @r#"
    example-article | Contacts missing from search | entry=check-1
    cause-1: Your mailbox isn't hosted on Exchange Online, not on premises -> solution-2, solution-1
    cause-2: A phone number isn't included in every contact -> solution-3, solution-1
    cause-3: You don't search for the contact by email address, not by name -> solution-4, solution-1
    solution-1: Run a connectivity test, 0 steps
    solution-2: Make sure that your mailbox is hosted on Exchange Online, not on premises, 0 steps
    solution-3: Make sure that a phone number is included in every contact, 0 steps
    solution-4: Make sure that you search for the contact by email address, not by name, 0 steps
    check-1 [5 min]: Is your mailbox hosted on Exchange Online, not on premises? (yes->check-2 no->cause-1)
    check-2 [5 min]: Is a phone number included in every contact? (yes->check-3 no->cause-2)
    check-3 [5 min]: Do you search for the contact by email address, not by name? (yes->escalate no->cause-3)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2 cause-3->cause-3)
    mapping: no front matter: title and dates come from the body
    mapping: 3 causes from the requirements of the article's opening text
    "#);
    // "make sure that the following prerequisite items are true:" with items that state
    // what holds ("You're using ...", "You have ...").
    insta::assert_snapshot!(check(
        "# Desktop app option missing\n\nThe desktop app option is missing.\n\nTo fix this issue, make sure that the following prerequisite items are true:\n\n- You're using the desktop app for Windows or Mac.\n- You install the Office desktop apps (Office 2016 or a later version).\n- You have an E3 or E5 license that includes the `ProPlusRetail` product ID.\n"
    ), @r#"
    example-article | Desktop app option missing | entry=check-1
    cause-1: You aren't using the desktop app for Windows or Mac -> solution-1
    cause-2: You don't install the Office desktop apps (Office 2016 or a later version) -> solution-2
    cause-3: You don't have an E3 or E5 license that includes the ProPlusRetail product ID -> solution-3
    solution-1: Make sure that you are using the desktop app for Windows or Mac, 0 steps
    solution-2: Make sure that you install the Office desktop apps (Office 2016 or a later version), 0 steps
    solution-3: Make sure that you have an E3 or E5 license that includes the ProPlusRetail product ID, 0 steps
    check-1 [5 min]: Are you using the desktop app for Windows or Mac? (yes->check-2 no->cause-1)
    check-2 [5 min]: Do you install the Office desktop apps (Office 2016 or a later version)? (yes->check-3 no->cause-2)
    check-3 [5 min]: Do you have an E3 or E5 license that includes the ProPlusRetail product ID? (yes->escalate no->cause-3)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2 cause-3->cause-3)
    mapping: no front matter: title and dates come from the body
    mapping: 3 causes from the requirements of the article's opening text
    "#);
    // The same list in a Resolution: its cases.
    insta::assert_snapshot!(check(
        "# Sync fails\n\n## Symptoms\n\nThe sync fails.\n\n## Resolution\n\nThe following conditions must be met:\n\n- The account must have the **Replicate Directory Changes** permission.\n- The server must be running version 2.0 or later.\n"
    ), @r#"
    example-article | Sync fails | entry=check-1
    symptom symptoms: 0 steps
    cause-1: The account doesn't have the Replicate Directory Changes permission -> solution-1
    cause-2: The server isn't running version 2.0 or later -> solution-2
    solution-1: Make sure that the account has the Replicate Directory Changes permission, 0 steps
    solution-2: Make sure that the server is running version 2.0 or later, 0 steps
    check-1 [5 min]: Does the account have the Replicate Directory Changes permission? (yes->check-2 no->cause-1)
    check-2 [5 min]: Is the server running version 2.0 or later? (yes->escalate no->cause-2)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    mapping: no cause stated: 2 causes from the cases the resolution names
    "#);
}

#[test]
fn issue_27_reasons_and_cases_in_the_opening_text_or_summary_are_causes() {
    // "More than one reason can prevent ...:" in a Summary; "When X, Y" items name X.
    insta::assert_snapshot!(check(
        "# App doesn't update\n\n## Summary\n\nMore than one reason can prevent the app from automatically updating:\n\n- When the app is installed to the Program Files folder rather than to the default location, the client won't update.\n- The app updates only when it is idle. If the user powers off the computer, the update never runs.\n\n## Workaround\n\nInstall the app in the default location.\n"
    ), @r#"
    example-article | App doesn't update | entry=check-1
    cause-1: The app is installed to the Program Files folder rather than to the default location -> workaround-1
    cause-2: The app updates only when it is idle. -> workaround-1
    workaround-1: Workaround, 0 steps
    check-1 [5 min]: Is the app installed to the Program Files folder rather than to the default location? (yes->cause-1 no->check-2)
    check-2 [5 min]: Following the steps below, do you find that the app updates only when it is idle? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    mapping: 2 causes from the reasons of the article's opening text
    "#);
    // "If ..." paragraphs and no heading at all; "disabled and then enabled" stays whole.
    insta::assert_snapshot!(check(
        "# User appears as Unknown User\n\nSome accounts appear as **Unknown User**.\n\nIf a user account is deleted from your organization, the name permanently appears as **Unknown User**.\n\nIf a user account is disabled and then enabled again, the name appears as **Unknown User** for two weeks.\n"
    ), @r#"
    example-article | User appears as Unknown User | entry=check-1
    cause-1: A user account is deleted from your organization -> 
    cause-2: A user account is disabled and then enabled again -> 
    check-1 [5 min]: Is a user account deleted from your organization? (yes->cause-1 no->check-2)
    check-2 [5 min]: Is a user account disabled and then enabled again? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    mapping: 2 causes from the "If ..." paragraphs of the article's opening text
    "#);
}

#[test]
fn issue_27_a_resolution_that_lists_the_situations_to_investigate_names_the_causes() {
    // One stated cause that only describes the problem, and a Resolution that says the
    // situation "can occur for one of several reasons" and lists them.
    insta::assert_snapshot!(check(
        "# Gateway got no reply\n\n## Cause\n\nThe name that the gateway provides in the **Contact** header may not be recognized as belonging to the tenant.\n\n## Resolution\n\nThis situation can occur for one of several reasons. The following situations are the most common to investigate:\n\n- The name that's provided by the gateway differs from what was configured in the portal.\n- The domain wasn't yet fully validated.\n- The Contact header contains an IP address instead of the expected name.\n"
    ), @r#"
    example-article | Gateway got no reply | entry=check-1
    cause-1: The name that's provided by the gateway differs from what was configured in the portal -> solution-1
    cause-2: The domain wasn't yet fully validated -> solution-2
    cause-3: The Contact header contains an IP address instead of the expected name -> solution-3
    solution-1: The name that's provided by the gateway differs from what was configured in the portal, 0 steps
    solution-2: The domain wasn't yet fully validated, 0 steps
    solution-3: The Contact header contains an IP address instead of the expected name, 0 steps
    check-1 [5 min]: Does the name that's provided by the gateway differ from what was configured in the portal? (yes->cause-1 no->check-2)
    check-2 [5 min]: Is the domain fully validated yet? (yes->check-3 no->cause-2)
    check-3 [5 min]: Does the Contact header contain an IP address instead of the expected name? (yes->cause-3 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2 cause-3->cause-3)
    mapping: no front matter: title and dates come from the body
    mapping: no cause stated: 3 causes from the cases the resolution names
    "#);
}

#[test]
fn issue_27_sections_named_for_an_error_state_their_cause_and_are_checked_by_the_message() {
    // `## Error: <message>` sections that open with "This error occurs if ...": a cause
    // each, checked by asking about the message (reading it costs the least). "could be a
    // temporary issue" leaves no sign of its own, but its message is one.
    insta::assert_snapshot!(check(
        "# Errors on the Files tab\n\nThis article lists errors on the **Files** tab.\n\n## Error: The object specified does not belong to a list\n\nThis error occurs if the name of the document library was changed from its default.\n\n### Resolution\n\nRename the library back to **Shared Documents**.\n\n## Error: There was a problem reaching this app\n\nThis error occurs if the ownership information for the group is missing.\n\n### Resolution\n\nAssign an owner to the group.\n\n## Error: We can't get your files right now\n\nThis error could be a temporary issue.\n\n### Resolution\n\nTry again after some time.\n"
    ), @r#"
    example-article | Errors on the Files tab | entry=check-1
    cause-1: The name of the document library was changed from its default -> solution-1
    cause-2: The ownership information for the group is missing -> solution-2
    cause-3: This error could be a temporary issue -> solution-3
    solution-1: Resolution, 0 steps
    solution-2: Resolution, 0 steps
    solution-3: Resolution, 0 steps
    check-1 [1 min]: Does the error say "The object specified does not belong to a list"? (yes->cause-1 no->check-2)
    check-2 [1 min]: Does the error say "There was a problem reaching this app"? (yes->cause-2 no->check-3)
    check-3 [1 min]: Does the error say "We can't get your files right now"? (yes->cause-3 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2 cause-3->cause-3)
    mapping: no front matter: title and dates come from the body
    mapping: Error: The object specified does not belong to a list: a cause stated for this error
    mapping: Error: There was a problem reaching this app: a cause stated for this error
    mapping: Error: We can't get your files right now: a cause stated for this error
    "#);
    // Tabs per error message, and a Resolution with a sub-section per error whose
    // `**Resolution N**` parts each state a cause: the message quoted under the error's
    // first heading is the sign; causes that share it are asked about in its light.
    insta::assert_snapshot!(check(
        "# Error when uploading files\n\nYou receive one of the following error messages.\n\n### Error Message 1\n\n> The file didn't upload.  \n> The file is locked.\n\n### Error Message 2\n\n> The file didn't upload.  \n> Your storage isn't available.\n\n## Resolution\n\nTry the resolutions under the relevant error message.\n\n### Error Message 1\n\nError 1 can have multiple causes.\n\n**Resolution 1**\n\nError 1 can occur if your site is set as **ReadOnly**.\n\nUnlock the site.\n\n**Resolution 2**\n\nError 1 can occur if a user is deleted and then re-created with the same UPN.\n\nRestore the original user.\n\n### Error Message 2\n\nError 2 can occur if your site is set as **NoAccess**.\n\nUnlock the site.\n"
    ), @r#"
    example-article | Error when uploading files | entry=check-1
    cause-1: Your site is set as ReadOnly -> solution-1
    cause-2: A user is deleted and then re-created with the same UPN -> solution-2
    cause-3: Your site is set as NoAccess -> solution-3
    solution-1: Unlock the site., 0 steps
    solution-2: Restore the original user., 0 steps
    solution-3: Unlock the site., 0 steps
    check-1 [1 min]: Does the error say "The file didn't upload. Your storage isn't available"? (yes->cause-3 no->check-2)
    check-2 [5 min]: With the error "The file didn't upload. The file is locked": is your site set as ReadOnly? (yes->cause-1 no->check-3)
    check-3 [5 min]: With the error "The file didn't upload. The file is locked": is a user deleted and then re-created with the same UPN? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2 cause-3->cause-3)
    note: ### Error Message 1
    note: ### Error Message 2
    mapping: no front matter: title and dates come from the body
    mapping: no cause stated: 3 causes from the cases the resolution names
    "#);
}

#[test]
fn issue_27_a_however_sentence_is_part_of_its_cause_and_a_footnote_list_is_no_cause() {
    insta::assert_snapshot!(check(
        "# Guests can't join\n\n## Cause\n\nGuests receive the message in one of the following situations:\n\n- The setting **Anonymous join** is turned off.\n- The setting **Anonymous join** is turned on. However, the organizer's policy turns it off. Also, guest access is disabled\\*.\n\n\\*Guest access is disabled in one of the following manners:\n\n- The tenant setting is off.\n- The policy setting is off.\n\n## Resolution\n\nTurn on the settings.\n"
    ), @r#"
    example-article | Guests can't join | entry=check-1
    cause-1: The setting Anonymous join is turned off. -> solution-1
    cause-2: The setting Anonymous join is turned on, but the organizer's policy turns it off -> solution-1
    solution-1: Resolution, 0 steps
    check-1 [5 min]: Is the setting Anonymous join turned off? (yes->cause-1 no->check-2)
    check-2 [5 min]: Is the setting Anonymous join turned on, but the organizer's policy turns it off? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    mapping: Cause: 2 causes listed before the text that follows them
    "#);
}

#[test]
fn issue_27_question_wording_yet_relative_what_and_or_between_names() {
    let questions = |markdown: &str| -> Vec<String> {
        draft(markdown)
            .questions
            .iter()
            .filter(|q| q.id.as_str().starts_with("check-"))
            .map(|q| {
                let pointing = q
                    .answers
                    .iter()
                    .find(|a| a.base_rate.is_some())
                    .map_or("-", |a| a.value.as_str());
                format!("{} ({pointing})", q.text)
            })
            .collect()
    };
    insta::assert_debug_snapshot!(questions(
        "# Calls fail\n\n## Cause\n\nThis issue occurs for one of the following reasons:\n\n- The domain wasn't yet fully validated.\n- The name that's provided by the gateway differs from what was configured in the portal.\n- The algorithm isn't supported by the device or OS.\n- The certificate is self-signed or not issued by a trusted CA.\n\n## Resolution\n\nFix the configuration.\n"
    ), @r#"
    [
        "Is the domain fully validated yet? (no)",
        "Does the name that's provided by the gateway differ from what was configured in the portal? (yes)",
        "Is the algorithm supported by the device or OS? (no)",
        "Is the certificate self-signed or not issued by a trusted CA? (yes)",
    ]
    "#);
}

#[test]
fn issue_27_sections_headed_by_a_yes_no_question_are_the_article_s_own_checks() {
    // A troubleshooting guide of question headings: each asks about a cause; a question
    // about the healthy state ("have appropriate permissions") points to it with No.
    insta::assert_snapshot!(check(
        "# Unable to access the site\n\nThere are several reasons why the site might become inaccessible.\n\n## Do users have appropriate permissions?\n\n- Check whether users have the appropriate permissions to access the site. If they don't have the necessary permissions, grant them.\n\n## Are users receiving \"503\" or \"Server is busy\" error messages?\n\n- If users are receiving **\"503\"** error messages, the error might be caused by throttling.\n\n## Is the sync client running?\n\nStart the sync client from the **Start** menu.\n"
    ), @r#"
    example-article | Unable to access the site | entry=check-1
    cause-1: Users don't have appropriate permissions -> solution-1
    cause-2: Users are receiving "503" or "Server is busy" error messages -> solution-2
    cause-3: The sync client isn't running -> solution-3
    solution-1: Check whether users have the appropriate permissions to access the site., 0 steps
    solution-2: If users are receiving "503" error messages, the error might be caused by throttling., 0 steps
    solution-3: Start the sync client from the Start menu., 0 steps
    check-1 [5 min]: Do users have appropriate permissions? (yes->check-2 no->cause-1)
    check-2 [5 min]: Are users receiving "503" or "Server is busy" error messages? (yes->cause-2 no->check-3)
    check-3 [5 min]: Is the sync client running? (yes->escalate no->cause-3)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2 cause-3->cause-3)
    mapping: no front matter: title and dates come from the body
    mapping: no cause stated: 3 causes from the cases the resolution names
    "#);
}

#[test]
fn issue_27_a_check_quotes_no_other_cause_s_fix_and_a_shared_symptom_does_not_price_it() {
    let article = draft(
        "# Error 405\n\n## Symptoms\n\nYou receive this message:\n\n> HTTP Error 405.0 - Method not allowed  \n> HRESULT: 0x80070001  \n> The POST method sent to this page is not allowed.\n\n## Cause 1\n\nThe handlers use an invalid HTTP method.\n\n## Cause 2\n\nA client sends the POST method to a page handled by the StaticFile handler.\n\n## Resolution for cause 1\n\n1. Open the `ApplicationHost.config` file and find the StaticFile handler of the page.\n2. Make sure that all the handlers use valid HTTP methods.\n\n## Resolution for cause 2\n\nSend the POST request to a page handled by another handler.\n",
    );
    let check = |cause: &str| {
        article
            .questions
            .iter()
            .find(|q| {
                q.answers.iter().any(|a| {
                    a.goto.as_ref().is_some_and(|g| g.as_str() == cause) && a.base_rate.is_some()
                })
            })
            .unwrap_or_else(|| panic!("a check for {cause}: {:#?}", article.questions))
    };
    let second = check("cause-2");
    assert!(
        !second.help.contains("ApplicationHost.config"),
        "{}",
        second.help
    );
    assert!(
        !second.help.contains("valid HTTP methods"),
        "{}",
        second.help
    );
    // The message every cause shows is no sign of this cause: checking takes more than
    // reading it.
    assert!(second.cost.is_some_and(|c| c > 1.0), "{:?}", second.cost);
    // A hard break in a quoted message is a backslash, never trailing spaces.
    for question in &article.questions {
        assert!(
            !question.help.lines().any(|l| l.ends_with(' ')),
            "{}",
            question.help
        );
    }
    // The first cause's own fix is how to check it.
    assert!(check("cause-1").help.contains("valid HTTP methods"));
}

#[test]
fn issue_27_an_additionally_sentence_and_stated_paragraphs_are_causes_each() {
    // A Cause paragraph that adds a cause mid-way ("Additionally, the cache folder may be
    // damaged or missing."): two causes, each asked on its own.
    insta::assert_snapshot!(check(
        "# Import fails\n\n## Symptoms\n\nYou receive the following message:\n\n> The converter cannot start. This feature is not installed.\n\n## Cause\n\nThis issue occurs if certain converter files are not available because they were not installed during Setup. Converters are installed on demand. Additionally, the local source folder (Cache) may be damaged or missing.\n\n## Resolution\n\nSelect **Yes** when the message appears, and then run Setup again.\n"
    ), @r#"
    example-article | Import fails | entry=check-1
    symptom symptoms: 0 steps
    cause-1: This issue occurs if certain converter files are not available because they were not installed during Setup. -> solution-1
    cause-2: The local source folder (Cache) may be damaged or missing. -> solution-1
    solution-1: Resolution, 0 steps
    check-1 [5 min]: Are certain converter files available? (yes->check-2 no->cause-1)
    check-2 [5 min]: Could the local source folder (Cache) be damaged or missing? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    mapping: Cause: 2 causes, the others "also" in paragraphs of their own
    "#);
    // "Additionally, this issue occurs infrequently." adds no cause.
    let once = draft(
        "# Import fails\n\n## Cause\n\nThis issue occurs if the converter files are missing. Additionally, this issue occurs infrequently.\n\n## Resolution\n\nRun Setup again.\n",
    );
    assert_eq!(once.causes.len(), 1, "{:#?}", once.causes);
    // A Resolution of paragraphs that each state a cause ("This issue may occur if ...",
    // "Additionally, this issue can occur if ...") in an article with no Cause section:
    // a cause each, its fix what the paragraph and the blocks after it say; the links
    // after the second are ways to test it, not fixes of their own.
    insta::assert_snapshot!(check(
        "# The list cannot be displayed\n\n## Symptoms\n\nYou receive an error when you open the list.\n\n## Resolution\n\nThis issue may occur if the `ExcludeDomain` value under the following subkey is set to **1**:\n\n`HKEY_CURRENT_USER\\Software\\Example\\Discover\\`\n\nIn this situation, set the value to **0**, and then restart the app.\n\nAdditionally, this issue can occur if any of the discovery endpoints is blocked or if the app can't find the discovery information. You can use one of the following methods to test the connectivity:\n\n- **For on-premises users**: [Connectivity analyzer](https://example.com/a)\n- **For cloud users**: [Support assistant](https://example.com/b)\n"
    ), @r#"
    example-article | The list cannot be displayed | entry=check-1
    symptom symptoms: 0 steps
    cause-1: The ExcludeDomain value under the following subkey is set to 1 -> solution-1
    cause-2: Any of the discovery endpoints is blocked or the app can't find the discovery information -> solution-2
    solution-1: Set the value to 0, and then restart the app., 0 steps
    solution-2: You can use one of the following methods to test the connectivity:, 0 steps
    check-1 [5 min]: Is the ExcludeDomain value under the following subkey set to 1? (yes->cause-1 no->check-2)
    check-2 [5 min]: Is any of the discovery endpoints blocked or the app can't find the discovery information? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    mapping: no cause stated: 2 causes from the cases the resolution names
    "#);
}

#[test]
fn issue_27_a_cause_is_titled_by_the_sentence_that_states_it() {
    let titles = |markdown: &str| -> Vec<String> {
        draft(markdown)
            .causes
            .iter()
            .map(|c| c.title.clone())
            .collect()
    };
    insta::assert_debug_snapshot!(titles(
        "# Can't edit the group\n\n## Symptom\n\nYou can't change the group's members.\n\n## Causes and resolutions\n\nThere are multiple causes for this behavior.\n\n### Cause 1\n\nThis behavior is by design in Server 2016. Access roles were introduced in Server 2010. To prevent problems with group management, the group management role is now set to Off by default.\n\n### Cause 2\n\nWhen a client connects to a mailbox, the directory connection is directed through a front-end server. However, if you have the Closest GC registry value configured on the client, the client keeps connecting to the catalog server.\n\n### Cause 3\n\nIf the alias of the group that the user is trying to edit contains unauthorized characters, you can't edit it from the client, even if the permissions are configured correctly.\n\n### Cause 4\n\nThe group that you are trying to change must be a universal group. The engine cannot change local groups.\n\n### Cause 5\n\nThis error is also triggered if the group that you are trying to edit is not a member of the default address list.\n"
    ), @r#"
    [
        "The group management role is now set to Off by default.",
        "You have the Closest GC registry value configured on the client",
        "The alias of the group that the user is trying to edit contains unauthorized characters",
        "The group that you are trying to change isn't a universal group",
        "This error is also triggered if the group that you are trying to edit is not a member of the default address list.",
    ]
    "#);
    let questions: Vec<String> = draft(
        "# Can't edit the group\n\n## Symptom\n\nYou can't change the group's members.\n\n## Causes and resolutions\n\nThere are multiple causes for this behavior.\n\n### Cause 1\n\nThe group that you are trying to change must be a universal group.\n\n### Cause 2\n\nThis error is also triggered if the group that you are trying to edit is not a member of the default address list.\n\n### Cause 3\n\nIf the alias of the group that the user is trying to edit contains unauthorized characters, you can't edit it.\n",
    )
    .questions
    .iter()
    .filter(|q| q.id.as_str() != "which-cause")
    .map(|q| {
        let pointing = q
            .answers
            .iter()
            .find(|a| a.base_rate.is_some())
            .map_or("-", |a| a.value.as_str());
        format!("{} ({pointing})", q.text)
    })
    .collect();
    insta::assert_debug_snapshot!(questions, @r#"
    [
        "Is the group that you are trying to change a universal group? (no)",
        "Is the group that you are trying to edit a member of the default address list? (no)",
        "Following the steps below, do you find that the alias of the group that the user is trying to edit contains unauthorized characters? (yes)",
    ]
    "#);
}

#[test]
fn issue_27_a_check_quotes_the_steps_that_name_its_cause_not_every_step_under_its_heading() {
    let article = draft(
        "# Certificate error\n\n## Symptoms\n\nYou receive one of these messages:\n\n- Error message 1\n\n    > The certificate is invalid or does not match the name of the site.\n\n- Error message 2\n\n    > The certificate is not from a trusted certifying authority.\n\n## Cause\n\nThis issue may occur if one or more of the following conditions are true:\n\n- You haven't trusted the certification authority at the root.\n- The certificate doesn't match the name of the site.\n- A browser add-in is preventing access.\n\n## Resolution 1: Examine the certificate\n\n1. Connect to the server in a browser.\n1. Click the **Details** tab.\n1. The data in the **Subject** field should match the site name.\n\n## Resolution 2: Install the trusted root certificate\n\nIn a farm, we suggest that the root certificate be installed for every service account. To check these through the console:\n\n1. Click **Install Certificate**.\n1. Click **Next**.\n1. Click **Browse**.\n1. Click **Trusted Root Certification Authorities** > **OK**.\n1. Click **Finish**.\n",
    );
    let help = check_help(&article, "cause-1");
    assert!(
        help.contains("Trusted Root Certification Authorities"),
        "{help}"
    );
    // A step that names nothing of the cause is not a way to check it, even under a
    // heading that does.
    assert!(!help.contains("Click **Next**"), "{help}");
    assert!(!help.contains("Click **Browse**"), "{help}");
    // A paragraph that says something before leading into its steps is quoted.
    assert!(
        help.contains("we suggest that the root certificate"),
        "{help}"
    );
}

#[test]
fn issue_27_a_check_section_that_names_no_state_is_read_from_its_make_sure_sentence() {
    // "## Check firewalls" says what to look at only in its opening ("To ..., make sure
    // proxy and firewall isn't blocking ..."); "Ensure there are no ..." asks whether
    // there are. A title's capital is not the article's: "proxy" is asked in lowercase.
    insta::assert_snapshot!(check(
        "# Install fails\n\nAdmins might have policies that prevent the install.\n\n## Check firewalls\n\nTo download, install and get updates for the app, make sure proxy and firewall isn't blocking access to the Store\n\n- `https://cdn.example.net`\n\n## Check executables\n\nEnsure there are no security policies or software blocking executables from running in the temp directory.\n\n- **Installer.exe** is the file that needs to run.\n"
    ), @r#"
    example-article | Install fails | entry=check-1
    cause-1: Proxy and firewall is blocking access to the Store -> solution-1
    cause-2: There are security policies or software blocking executables from running in the temp directory -> solution-2
    solution-1: Check firewalls, 0 steps
    solution-2: Check executables, 0 steps
    check-1 [5 min]: Is proxy and firewall blocking access to the Store? (yes->cause-1 no->check-2)
    check-2 [5 min]: Are there security policies or software blocking executables from running in the temp directory? (yes->cause-2 no->escalate)
    which-cause [1 min]: Do you already know which of these it is? (cause-1->cause-1 cause-2->cause-2)
    mapping: no front matter: title and dates come from the body
    mapping: no cause stated: 2 causes from the cases the resolution names
    "#);
}

#[test]
fn issue_27_a_cause_with_no_evidence_of_its_own_is_checked_by_what_the_shared_fix_makes_sure_of() {
    let article = draft(
        "# Upgrade errors\n\n## Symptoms\n\nThe upgrade stops with an error.\n\n## Cause\n\nThis problem may occur for one of the following reasons:\n\n- The previous version was configured to connect to the server without discovery.\n- Discovery was previously available but is no longer available.\n\n## Resolution\n\nTo resolve this problem, your administrator should make sure that discovery is functional and can be accessed by the app.\n",
    );
    let help = check_help(&article, "cause-2");
    assert!(
        help.contains("make sure that discovery is functional"),
        "{help}"
    );
    // A stated case keeps the article's sentence as its text.
    let stated = draft(
        "# The list fails\n\n## Resolution\n\nThis issue may occur if the `Exclude` value is set to **1**. Set it to 0.\n\nAdditionally, this issue can occur if the endpoint is blocked. Test the connectivity.\n",
    );
    assert_eq!(stated.causes.len(), 2, "{:#?}", stated.causes);
    assert!(
        stated.causes[1]
            .text
            .contains("this issue can occur if the endpoint is blocked"),
        "{:#?}",
        stated.causes
    );
}

/// The help of the first check (not the which-cause menu) that leads to `cause`.
fn check_help<'a>(article: &'a Article, cause: &str) -> &'a str {
    &article
        .questions
        .iter()
        .find(|q| {
            q.id.as_str() != "which-cause"
                && q.answers
                    .iter()
                    .any(|a| a.goto.as_ref().is_some_and(|g| g.as_str() == cause))
        })
        .unwrap_or_else(|| panic!("a check for {cause}: {:#?}", article.questions))
        .help
}

#[test]
fn issue_27_a_cause_section_closing_with_what_to_do_has_that_as_its_fix() {
    let article = draft(
        "# Can't edit the group\n\n## Symptom\n\nYou can't change the group's members.\n\n## Causes and resolutions\n\n### Cause 1\n\nThe group management role is set to Off by default.\n\nTo resolve this issue, see [How to manage groups](https://example.com/groups(v=1)).\n\n### Cause 2\n\nThe group isn't a universal group.\n\nTo resolve this issue, convert global groups to universal groups.\n\n### Cause 3\n\nThe group is hidden from the address list.\n\nTo work around this issue, add the group to the list by using `Set-Group`.\n\n### Cause 4\n\nThe group has too many members.\n\nTo resolve this issue, see the following section.\n",
    );
    // Per cause: its text, and its fixes as (title, a workaround?, text).
    type Fixes = Vec<(String, bool, String)>;
    let fixes: Vec<(String, Fixes)> = article
        .causes
        .iter()
        .map(|cause| {
            let fixes = cause
                .solutions
                .iter()
                .chain(&cause.workarounds)
                .map(|id| {
                    let fix = article
                        .solutions
                        .iter()
                        .chain(&article.workarounds)
                        .find(|s| &s.id == id)
                        .unwrap();
                    let workaround = article.workarounds.iter().any(|w| &w.id == id);
                    (fix.title.clone(), workaround, fix.text.clone())
                })
                .collect();
            (cause.text.clone(), fixes)
        })
        .collect();
    insta::assert_debug_snapshot!(fixes);
}

/// Each cause's title with the title of its first solution.
fn first_fixes(article: &Article) -> Vec<(String, String)> {
    article
        .causes
        .iter()
        .map(|cause| {
            let fix = article
                .solutions
                .iter()
                .find(|s| cause.solutions.first() == Some(&s.id))
                .unwrap_or_else(|| panic!("a solution for {}", cause.id.as_str()));
            (cause.title.clone(), fix.title.clone())
        })
        .collect()
}

#[test]
fn issue_27_numbered_checks_in_the_causes_order_are_a_fix_each() {
    // The Resolution's steps each verify one listed cause; the words every cause shares
    // ("database", "server") tell none apart, so they do not count toward the matching.
    let article = draft(
        "# The service stops\n\n## Symptoms\n\nThe service starts and then stops.\n\n## Cause\n\nThe service can't connect to the database. This could be due to any of the following reasons:\n\n- The database server instance isn't running.\n- The hostname of the database server doesn't resolve correctly.\n- An incorrect database server instance has been configured.\n- The service account doesn't have permissions on the database server.\n\n## Resolution\n\nCorrect the problem that keeps the service from the database.\n\n1. Verify the database server instance that hosts the database is running.\n2. Verify that the hostname of the server is correct and resolves in DNS.\n3. Verify that the correct database server instance is configured in the console.\n4. Verify that the service account is a member of the `Runtime` role in the database.\n",
    );
    insta::assert_debug_snapshot!(first_fixes(&article));
    // Numbered steps that do not each check something are one procedure.
    let procedure = draft(
        "# The service stops\n\n## Symptoms\n\nThe service stops.\n\n## Cause\n\nThis could be due to any of the following reasons:\n\n- The database server instance isn't running.\n- The hostname of the database server doesn't resolve correctly.\n\n## Resolution\n\n1. Open the console and select the database server instance.\n2. Restart the hostname resolution service.\n",
    );
    assert_eq!(procedure.solutions.len(), 1, "{:#?}", procedure.solutions);
}

#[test]
fn issue_27_plain_cause_markers_and_an_or_sentence_state_causes_of_their_own() {
    // "Cause # 1" alone on its line, and "Resolution # 1" for its fix.
    let marked = draft(
        "# Activities show as unknown\n\n## Symptoms\n\nActivities are displayed as unknown.\n\n## Cause\n\nCause # 1\n\nThe designer doesn't have the integration pack deployed.\n\nCause # 2\n\nThe runbook was imported before the integration pack was registered.\n\n## Resolution\n\nResolution # 1\n\nDeploy the integration pack by using the Deployment Manager.\n\nResolution # 2\n\nRegister the integration pack, and then perform the import operation again.\n",
    );
    insta::assert_debug_snapshot!(first_fixes(&marked));
    // "Or, in rare cases, there may also be ...": a second cause, stated as rare.
    let rare = draft(
        "# Can't contact the warehouse\n\n## Symptoms\n\nEvent 31551 is logged.\n\n## Cause\n\nThe management server may have some outdated values in configuration files or in the registry. Or, in rare cases, there may also be some old database tables in the current data warehouse database.\n\n## Resolution\n\n1. Change the `DatabaseServerName` value.\n2. Check the `MemberDatabase` table for the old instance.\n",
    );
    let causes: Vec<(String, Option<f64>)> = rare
        .causes
        .iter()
        .map(|c| (c.title.clone(), c.likelihood))
        .collect();
    assert_eq!(
        causes,
        [
            (
                "The management server may have some outdated values in configuration files or in the registry.".to_owned(),
                None
            ),
            (
                "There may be some old database tables in the current data warehouse database.".to_owned(),
                Some(0.3)
            ),
        ]
    );
    // "This is the most common cause." makes the cause twice as likely as the others.
    let common = draft(
        "# Profile fails\n\n## Cause\n\nThis issue occurs for one of the following reasons:\n\n- The uploaded certificate is an intermediate certificate. This is the most common cause.\n- The signature algorithm of the certificate isn't supported.\n\n## Resolution\n\nUpload the right certificate.\n",
    );
    let likelihoods: Vec<Option<f64>> = common.causes.iter().map(|c| c.likelihood).collect();
    assert_eq!(likelihoods, [Some(2.0), None]);
}

#[test]
fn issue_27_numbered_steps_named_for_what_they_check_are_a_fix_each() {
    let article = draft(
        "# The action service stops\n\n## Cause\n\nThe service is unable to connect to the database, because of any of the following reasons:\n\n1. The database instance isn't running.\n2. Hostname provided for the database server doesn't resolve correctly via DNS.\n3. A non-standard TCP/IP port may have been configured for connectivity.\n4. TCP/IP may not be configured as an acceptable protocol binding.\n\n## Resolution\n\nCorrect the problem that's preventing the service from accessing the database.\n\n1. Verify database instance is running\n\n    If the database instance isn't running, it can't accept connections.\n\n2. Verify database server hostname\n\n    Check that the hostname responds to network traffic (for example, ping for response).\n\n3. Database instance port\n\n    Validate that the expected port has been configured for use.\n\n4. Protocol configuration\n\n    If multiple protocols are in use, it may be necessary to explicitly define the protocol to use.\n",
    );
    insta::assert_debug_snapshot!(first_fixes(&article));
    // Each check quotes its own step.
    assert!(check_help(&article, "cause-2").contains("ping for response"));
    assert!(check_help(&article, "cause-4").contains("explicitly define the protocol"));
}

#[test]
fn issue_27_a_cause_the_error_may_still_have_and_a_condition_that_will_cause_it_are_causes() {
    let article = draft(
        "# Backups fail\n\n## Symptoms\n\nRecovery point jobs fail with 0x8007173D.\n\n## Cause\n\nThis usually occurs if the cluster nodes don't have a VSS hardware snapshot provider installed.\n\nTo see what providers are installed, run `VSSADMIN LIST PROVIDERS` from an administrative command prompt.\n\nHowever, even when using a VSS hardware snapshot provider, the error may still occur if you have a single CSV hosting all your guests.\n\nIf serialization is enabled and you have a special character like **&** in a guest name, that will cause the `DataSourceGroups.xml` file not to be parsed properly.\n\n## Resolution\n\nCheck the `DataSourceGroups.xml` file for special characters.\n",
    );
    let questions: Vec<&str> = article
        .questions
        .iter()
        .filter(|q| q.id.as_str() != "which-cause")
        .map(|q| q.text.as_str())
        .collect();
    assert_eq!(
        questions,
        [
            "Do the cluster nodes have a VSS hardware snapshot provider installed?",
            "Do you have a single CSV hosting all your guests?",
            "Is serialization enabled, and do you have a special character like & in a guest name?",
        ]
    );
    // The first cause keeps the command that verifies it.
    assert!(check_help(&article, "cause-1").contains("VSSADMIN LIST PROVIDERS"));
}
