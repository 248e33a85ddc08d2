//! The cue tables: per language, the word families (lemmas and stems) whose *combinations* make
//! an intent, read by the compositional matcher (`compose`). Cue syntax: tokens
//! separated by spaces; `a|b` alternatives; `*` any run of letters inside a token (`unsubscri*`,
//! `quit*me`); `~N` up to N other tokens between two parts. Cues are folded when compiled
//! (case, accents, `ё` → `е`, `й` → `и`), so they are written naturally. `n't` is read as a
//! token `not`, and `e-mail` as the tokens `e` `mail`.
//!
//! How the stop families combine (see `compose::stop_hits`):
//! - `unsubscribe` — complete opt-out words on their own;
//! - `remove_verb` + (`me_object` within 2 tokens or `remove_object` within the window),
//!   unless a `not_remove_object` follows (an attachment, the cc line, the thread);
//! - `cease` + `contact_verb`/`contact_noun` after it;
//! - `negation` + `contact_verb` + (`again` or `me_object`), or + `desire` ("don't want to be
//!   contacted");
//! - `no_more` + `contact_noun`;
//! - `negation` + `receive` + (`desire` or `again`);
//! - `bare` — the whole text, `politeness` words aside.
//!
//! A stop cue right after a `block_before` cue ("I don't want to", "no need to", "I'll") or
//! right before a `block_after` cue ("myself", "by") is not a request; a sentence containing a
//! `veto` cue ("don't hesitate to contact me", "stop by") yields no stop request at all, and
//! neither does a sentence about opting *others* out or about an opt-out *feature*: one naming
//! `others` (users, recipients, customers, a colleague) with no `me_object` and no `own` word
//! of the writer's ("my data"; "my colleague" is someone else's), or a question naming a
//! `feature` (tool, function, option, one click) without them. German typed without umlauts
//! ("loeschen") is also read with `oe` → `o`; a declined opt-out ("no need to remove me")
//! does not count as a refusal of the offer.
//!
//! Decisions: "your unsubscribe link is broken / doesn't work" and "I unsubscribed but still
//! get these" are stop requests (the person wants out); "I'll unsubscribe myself", "no need to
//! remove me", "I don't want to unsubscribe", "remove the attachment", "remove Jim from the
//! thread", "stop by our booth" are not.
//!
//! Legal and complaint framings count as stop requests: an erasure or objection request under
//! GDPR / DSGVO / RGPD / AVG / LGPD, a withdrawal of consent, "I never signed up / never
//! consented", "this is spam, remove me", "leave me alone" idioms. A complaint that asks for
//! nothing ("who gave you my address?") is not. The grammatical space per language — the
//! unsubscribe lexeme in its inflections, removal verbs with their objects in every mood
//! including the passive ("quiero ser eliminado", "ik wil verwijderd worden", "чтобы меня
//! удалили"), cessation and negated wishes ("don't continue to send", "no deseo seguir
//! recibiendo"), legal framings and bare tokens — is enumerated as tests in
//! `tests/stop_grammar.rs`. The negated families are read inside one comma-separated part of
//! a sentence ("Non voglio disiscrivermi, scrivetemi meno" is not a request).
//!
//! The class cues (`not_interested`, `wrong_person`, `interested`) are intent patterns with
//! stems and gaps, read after the phrase tables of [`crate::phrases`].

use crate::language::Language;

/// One language's cue table.
pub struct Cues {
    pub language: Language,
    pub unsubscribe: &'static [&'static str],
    pub remove_verb: &'static [&'static str],
    pub remove_object: &'static [&'static str],
    pub me_object: &'static [&'static str],
    pub not_remove_object: &'static [&'static str],
    /// What an opt-out word can be about instead of our mail — an event or meeting, an
    /// official registration, a leave ("afmelden voor de demo", "Gewerbe abmelden", "darse de
    /// baja como autónomo", "de baja médica"): named near an unsubscribe-family word with no
    /// list or message noun near it, the word is not a request.
    pub not_unsubscribe_object: &'static [&'static str],
    /// Documents a name is taken out of ("quita mi nombre de la propuesta", "remove Dave's
    /// name from the contacts page"): a removal from one is no opt-out. Kept apart from
    /// `not_remove_object`, whose words are also features of the learned model.
    pub document: &'static [&'static str],
    pub cease: &'static [&'static str],
    pub contact_verb: &'static [&'static str],
    pub contact_noun: &'static [&'static str],
    pub no_more: &'static [&'static str],
    pub negation: &'static [&'static str],
    pub again: &'static [&'static str],
    pub receive: &'static [&'static str],
    pub desire: &'static [&'static str],
    pub bare: &'static [&'static str],
    pub politeness: &'static [&'static str],
    pub block_before: &'static [&'static str],
    pub block_after: &'static [&'static str],
    pub veto: &'static [&'static str],
    /// Other people an opt-out may be about (users, recipients, customers, a colleague): a
    /// sentence naming one and no first-person object is not a request for the writer.
    pub others: &'static [&'static str],
    /// Product features an opt-out question may be about (tool, function, option, one click).
    pub feature: &'static [&'static str],
    /// First-person possessives and object forms glued to a verb ("my", "mein", "borrarme"):
    /// a feature question holding one is still about the writer.
    pub own: &'static [&'static str],
    /// The writer in the first person singular, in every case ("I", "me", "my"; "ich",
    /// "mich", "mein"; "я", "меня", "мой"): a mention of opting out in a text that never
    /// names its writer is read as a request only when the learned model agrees.
    pub writer: &'static [&'static str],
    /// The bare "no" of the language, which `negation` (built to negate a verb) leaves out:
    /// a refusal can stand on it ("бюджета на подобные решения нет", "nein danke").
    pub bare_no: &'static [&'static str],
    pub not_interested: &'static [&'static str],
    pub wrong_person: &'static [&'static str],
    /// Copying someone in ("looping in my colleague", "en copie"): a referral when it is all
    /// the reply says, but only an addition to the meeting when the reply is interested.
    pub copy_in: &'static [&'static str],
    /// Having passed the message on or asked someone about it ("I forwarded your mail to my
    /// boss", "ho girato la Sua mail al mio responsabile"): a referral when it is all the reply
    /// says, but the report of a decision when a refusal follows ("… he says not for now").
    /// Not a feature of the learned model.
    pub forwarded: &'static [&'static str],
    /// Passing on someone else's instruction ("my boss told me to tell every vendor to stop",
    /// "meine Chefin hat gesagt, ich soll allen Anbietern schreiben, dass …"): a stop request
    /// it introduces is the writer's own unless the writer then shows interest of their own
    /// ("… but I'm curious about this one"). Not a feature of the learned model.
    pub reported: &'static [&'static str],
    pub interested: &'static [&'static str],
}

/// English.
pub const EN: Cues = Cues {
    language: Language::En,
    unsubscribe: &[
        // "please tell me what personal data you hold about me … and then erase it".
        "personal ~1 data|information|details ~15 then ~1 erase|delete ~1 it|them",
        // "I'd appreciate it if you didn't email this address any more".
        "if|rather ~1 you ~1 didn|did ~1 t|not ~2 email|contact|write|message|mail|send ~5 anymore|again|further",
        "if|rather ~1 you ~1 didn|did ~1 t|not ~2 email|contact|write|message|mail|send ~5 any more",
        // "kindly consider me off the roster for anything that comes next".
        "consider ~1 me|us ~1 off ~3 roster|list|lists|sequence|series|mailing*|campaign*|rounds|distribution",
        // "pls spare my inbox going forward".
        "spare ~1 my|our ~1 inbox|inboxes|mailbox|mailboxes|address",
        // "let my inbox off the hook", "give my inbox some peace".
        "let ~1 my|our ~1 inbox|mailbox|address ~2 off ~2 hook",
        "inbox|mailbox ~3 some|a|in ~1 peace|quiet|rest",
        // "I'd rather they never arrived" (the follow-ups).
        "rather ~1 they|these|those ~1 never ~1 arrived|came|arrive|come",
        // "Could you give my inbox a rest from here on?".
        "give ~2 inbox|mailbox ~1 a ~1 rest|break|breather",
        // "Happy for this to be the final episode", "let this be the last one".
        "for ~1 this|that|it ~1 to ~1 be ~1 the ~1 last|final",
        "let|make ~1 this|that|it ~1 be ~1 the ~1 last|final",
        // "Please leave me off future sends".
        "leave ~1 me|us ~2 off|out ~4 future|list|lists|sends|emails|mailing*|sequence*|campaign*|outreach|cadence*|rounds",
        // "I'd appreciate it if the follow-ups stopped here".
        "follow|ups|followups|emails|messages|mails|reminders|nudges|chasers ~1 stopped|ceased|ended ~1 here|now|there|today",
        // "Please don't pencil me in for the next round of these".
        "not ~1 pencil|slot|put|add|include|count ~1 me|us ~1 in|on|into ~3 next|future|further|another ~1 round|rounds|batch|wave|send|sends|campaign*|sequence*|mailing*",
        // "… if my name could be lifted out of whatever sequence it's sitting in".
        "my ~1 name|address|email|details ~4 lifted|pulled|struck ~1 out|off|from ~3 list|lists|sequence*|cadence*|database|mailing*|campaign*|crm|system|whatever",
        // "I'd like this one to be the last I receive from Pipewell".
        "like|want|prefer|wish ~2 this|it ~3 the ~1 last ~2 i|one|email|message|mail",
        // "This is the last time I want to hear from you".
        "last ~1 time ~1 i|we ~3 want|wish|need|care ~1 to ~1 hear|see|get|receive",
        // "Further emails aren't necessary".
        "further|more ~1 emails|messages|mails|follow ~3 not ~1 necessary|needed|required|wanted",
        // "I'd appreciate it if this were the last one", "make this your last email".
        "if|hope|make|let ~2 this|that|it ~2 the ~1 last ~2 one|email|emails|message|mail|note|follow",
        "make|let ~2 this|it ~1 your ~1 last",
        // "Please let this be the end of it".
        "let|make ~1 this|that|it ~1 be ~1 the ~1 end",
        // "What I'd really appreciate is for this to be the last message I get from you".
        "appreciate|like|want|prefer|ask ~3 for ~1 this|that|it ~1 to ~1 be ~1 the ~1 last ~2 one|email|emails|message|mail|note|time",
        // "No fifth email, please".
        "no|without ~2 third|fourth|fifth|sixth|seventh ~1 one|email|message|mail|follow|nudge",
        // "I'd like my address out of it".
        "my|our ~1 address|email|details|data ~1 out ~1 of",
        "un*scri*b*|unsub*|unsus*cri*",
        "opt|opted|opting ~1 out",
        "optout|opt*out",
        "be|get|been|being removed|deleted|erased|unsubscribed|suppressed",
        "be|get|been|being taken ~2 off|out",
        "dnc",
        "cease and desist",
        "not ~1 add|include|put|enroll|enrol ~2 me|us ~4 list|lists|sequence|sequences|mailing*|campaign*|database|cadence*|newsletter*",
        "these|this|emails|messages|them|it ~2 stop|end|cease $",
        "ask|asked|asking|told|tell|telling|request|requested ~3 stop|remove",
        "as|to|for spam|junk|spammer",
        "this is|s ~1 spam",
        "off ~3 list|lists|mailing|database|distribution",
        "do not contact",
        "leave me alone",
        "right to erasure",
        "right to be forgotten",
        "object|objects|objected|objecting|objection ~8 processing|marketing|profiling",
        // "I never signed up", "didn't sign up"; not "we can't sign up for anything".
        "never|not ~2 signed ~1 up",
        "never ~2 sign ~1 up",
        "didn|did|don|do ~1 not ~1 sign ~1 up",
        "never|not ~2 subscribed|subscribe|consented|consent|opted|opt ~1 in|to|for",
        "never ~2 gave|given ~2 permission|consent",
        "without ~2 my ~1 consent|permission",
        "lose|forget|bin|trash ~2 my|this|our ~2 email|address|details|number|contact|inbox|mailbox",
        // "Count me out of your mailings", "Spare me the follow-ups".
        "count ~1 me|us ~1 out",
        // Autocorrect's "Un subscribe", "un-subscribe"; dictation's "please on subscribe me".
        "un subscribe|subscribed",
        "on subscribe ~1 me|us",
        "please|pls|plz ~1 on subscribe",
        // The vocabulary of outbound tooling: "unenroll me", "kill this sequence", "add me to
        // your DNC", "blacklist our domain", "mark me do-not-contact".
        "unenroll*|unenrol*",
        "kill|end ~2 this|the|your|that ~1 sequence|cadence|campaign|workflow|sequences|cadences|campaigns",
        "blacklist|blocklist|denylist|suppress ~2 me|us|our|my|this",
        "me|us|domain|address|email|this ~4 on|in|to|into ~2 dnc|blacklist|blocklist|denylist|suppression|exclusion|donotcontact",
        "mark|flag|set|tag ~2 me|us|this|it ~2 as ~1 dnc|donotcontact|unsubscribed|bounced",
        "mark|flag|set|tag ~2 me|us|this|it ~2 as ~1 do ~1 not ~1 contact",
        // "… required to honor opt-out requests. Consider this mine".
        "consider ~1 this|it ~1 mine|my|our|ours",
        // "Please treat this email as that objection and apply it to this address".
        "treat|consider|take ~2 this|it ~2 as ~3 objection|optout|unsubscribe|removal|opt",
        // "One more email and I report you" (a threat on the next message).
        "one ~1 more ~2 email|emails|mail|message|follow ~2 and",
        "spare ~1 me|us ~4 email|emails|mail|mails|messages|pitch|pitches|follow|followups|spam|outreach",
        "withdraw|withdrawing|revoke|revoking ~4 consent|permission",
        // "Whatever consent you think you have to email this address, I withdraw it."
        "consent|permission ~12 i ~1 withdraw|revoke ~1 it",
        "sure ~4 not|never|no ~3 on|in ~4 list|lists|database|mailing|sequence|sequences|cadence",
        "want|wish|like|prefer ~3 not|never ~2 be ~1 on|in ~4 list|lists|database|mailing|sequence|sequences",
        // "I'd prefer you didn't follow up again".
        "prefer|rather ~1 you ~1 not ~2 follow|contact|email|e|mail|write|reach|message|call",
        // "I don't want to be on your list anymore", "I just don't want to be in the sequence".
        "not ~1 want|wish ~2 be|stay|remain ~1 on|in ~4 list|lists|database|mailing|sequence|sequences|cadence|cadences|campaign|campaigns",
        "m|am|are|re|be|get|been|being ~1 excluded|unsubscribed",
    ],
    remove_verb: &[
        "remove|removing|delete|deleting|erase|erasing|purge|scrub|unlist|drop|exclude|strike|suppress",
        "removal|deletion|erasure|erased|deleted|removed|purged|scrubbed",
        "take|taken|took|taking|get|getting|keep ~3 off|out",
        // "Can you pull me out of the sequence?"
        "pull|pulled|pulling ~3 off|out",
    ],
    remove_object: &[
        "list|lists|mailing*|database|databases|db|crm|distribution|sequence|sequences|cadence|cadences|system|systems|records|files|contacts|outreach|newsletter*|campaign*|mailer|spreadsheet",
        // "remove the entire example.org domain (from your lists)", "remove everyone at …".
        "domain|domains|everyone|everybody",
        "my ~2 email|emails|address|details|data|info|information|contact|name|number|e",
        "this ~1 address|email",
        "all|any ~2 data|information|details|records",
    ],
    me_object: &["me|us|myself"],
    not_remove_object: &[
        "attachment|attachments|file|files|cc|thread|loop|invite|meeting|calendar|slide|slides|doc|docs|document|documents|pdf|pdfs|typo|typos",
    ],
    document: &[
        "proposal|quote|deck|contract|draft|agenda|invoice|page|brochure|presentation|signature|report|case|website|logo|testimonial",
    ],
    not_unsubscribe_object: &[
        "webinar|demo|meeting|call|event|course|training|workshop|session|conference|class|appointment|presentation|visit|tour|trial|seminar",
    ],
    cease: &[
        "stop|stopped|stopping|quit|quitting|cease|enough|refrain|abstain|desist|discontinue|halt",
    ],
    contact_verb: &[
        "*mailing|contacting|sending|writing|messaging|spamming|bugging|bothering|pestering|harassing|hounding|following|reaching|texting|calling",
        "email|emails|mail|contact|write|message|send|spam|text|bother|reach|pester|harass|solicit|call",
        "contacted|emailed|mailed|messaged|sent|called|texted|bothered|spammed|written|reached|pitched|solicited|approached",
    ],
    contact_noun: &[
        "invitations|invites|*mail*|messages|message|follow|followups|outreach|spam|contact|communication|communications|sequence|sequences|solicitation*|newsletter*|pitch|pitches|these|this",
    ],
    no_more: &["no more|further", "not ~1 any more|further"],
    negation: &[
        "not|never|dont|nor|dinnae|dinna",
        "no longer",
        "none|nobody",
    ],
    again: &[
        "again|anymore|more|further|else|ever|future|anything|keep|continue",
        "any more",
        "going forward",
        "from now on",
    ],
    receive: &["receive|receiving|receives|get|getting|gets|hear|hearing|hears"],
    desire: &["want|wish|like|care|prefer|need|rather"],
    bare: &[
        "stop|remove|unsubscribe|quit|enough|stahp",
        "remove|delete ~1 me|us",
        "take ~1 me off",
        "opt out",
        "stop ~1 it|this",
        "no more",
    ],
    politeness: &["please|pls|plz|kindly|thanks|thank|you|thx|now|immediately|asap|ty"],
    block_before: &[
        // "so this isn't me any more": a change of role.
        "isn|is|wasn|was|aren|are ~1 t|not ~1 me|us ~1 any ~1 more",
        "isn|is|wasn|was|aren|are ~1 t|not ~1 me|us ~1 anymore",
        // "No need to close the file or remove me", "I'm not asking you to delete anything or take me off anything".
        "no ~1 need ~1 to ~4 or",
        "not|never ~2 asking|trying|want|wanting|going ~6 or",
        // "Please don't close my file or take me off the list!": one negation for both.
        "don|do ~1 t|not ~4 or",
        // "You don't have to take me off".
        "don|do ~1 not ~1 have|need ~1 to",
        "not|never ~2 want|wish|need|mean|plan|intend|going|trying|asking|asked ~1 to ~1 be",
        "not|never ~2 want|wish|need|mean|plan|intend|going|trying|asking|asked ~1 to",
        // "I'm not going to click unsubscribe either".
        "not|never ~2 going|want|plan ~1 to ~1 click|hit|press|use",
        // "I'm not going to ask you to unsubscribe me".
        "not|never ~2 going|want|plan|about ~1 to ~1 ask|request|tell ~1 you|anyone ~1 to",
        "no need ~1 to",
        // "Please don't read this as a request to unsubscribe me".
        "not ~1 read|take|see ~1 this|that|it ~1 as ~1 a|an ~1 request|plea|ask ~1 to",
        "i ~1 ll|will|can|could|may|might",
        "i ~1 ll|will|can|could ~1 just|simply",
        "i m going to",
        // "I was about to hit unsubscribe, but …", "I almost unsubscribed".
        "about ~1 to ~1 hit|click|press|use",
        "almost|nearly",
        // "Don't take me off the list": the block ends where "off … list" starts.
        "don|do ~1 not ~1 take|get|keep|leave ~1 me|us",
        "don|do ~1 not ~1 take|get|keep ~1 me|us ~1 off|out",
    ],
    block_after: &[
        "myself|ourselves",
        // "I'll hit the unsubscribe link myself".
        "link|links|button ~1 myself|ourselves",
        "on my own",
        "isn|is|s|wasn|not ~1 not ~1 necessary|needed|required",
    ],
    veto: &[
        // "Our customers often ask us to remove them", "working through deletion requests": other people's requests.
        "customers|clients|people|users|recipients|contacts|subscribers|prospects|members|patients|donors ~3 ask|asks|asked|tell|tells|told ~1 us|me ~1 to",
        "deletion|removal|erasure|unsubscribe|optout ~1 requests",
        // "… would get me laughed out of the steering committee": another sense of "get out".
        "laughed|kicked|thrown|fired|voted|priced ~1 out",
        // "Could you take Marta off this thread?": the conversation, not a list.
        "off|from ~2 this|the ~1 thread|chain|conversation|cc",
        // "Two years ago I asked a data vendor, not yours, to remove me from their list": a
        // request once made to another sender.
        "asked|told|emailed|wrote|requested ~10 from|off ~1 their|his|her ~1 list|lists|database|databases|mailing|system|crm",
        // 'my finger was on the keyboard to type "please remove me"': words nearly typed.
        "type|typing|typed ~2 remove|unsubscribe|stop",
        // "I was about to unsubscribe, but this one came just in time": what nearly happened.
        "about ~1 to ~2 unsub*|un*scri*|opt|remove|block",
        "almost|nearly ~2 unsub*|un*scri*|opted|blocked",
        "close ~1 to ~3 unsub*|un*scri*|opting",
        // "I was about to ask you to take me off your list, but …".
        "about ~1 to ~1 ask|request ~5 remove|take|unsub*|un*scri*|opt",
        // "Let's stop the email ping pong and get on a call".
        "stop ~3 ping|tennis|forth",
        // "When someone replies STOP to one of your campaigns, do you suppress …?": a question
        // about the process.
        "when|if ~1 someone|somebody|anyone|a|the|one|people|they|customers|prospects|leads|contacts|recipients|parent|parents|user|users|student|students|member|members ~2 reply|replies|replied|respond|responds|type|types|say|says|write|writes|text|texts|answer|answers|click|clicks|hit|hits|unsubscribes|unsubscribed|opts|opted",
        // "You can stop apologizing for the follow-ups".
        "stop ~1 apologizing|apologising|apologising|worrying|feeling",
        // "Could you stop the other vendor from spamming me?": someone else's mail.
        "stop|stopping ~3 other|another ~1 vendor|vendors|company|party|sender|agency|firm|outfit|spammer",
        // "We keep a DNC list too - how do you sync yours?": the writer's own list.
        "we ~1 keep|use|have|run|maintain|sync ~2 dnc|suppression|blacklist|blocklist|exclusion ~1 list|lists",
        // "I don't mind getting these": receiving is welcome.
        "not ~1 mind ~2 getting|receiving|reading",
        "hesitate",
        "feel free",
        // "Drop me a line in March": an invitation to write.
        "drop|shoot ~1 me|us ~1 a ~1 line|note|email|mail",
        "stop by|over",
        "stop ~2 presses",
        // "Can't stop laughing": another sense of stop.
        "stop|stopped ~1 laughing|smiling|grinning|giggling|thinking|wondering|reading|scrolling",
        // "Remove my old address, use this one": a correction, not an opt-out. Someone else's
        // old address ("take him off your list, he still gets these on his old address") is
        // the address to stop.
        "my|our|the|that|this ~1 old|previous|former|personal ~1 address|email|inbox|account|gmail|hotmail|yahoo|outlook|mailbox",
        // "Remove my old cell number from your CRM": a correction, not an opt-out.
        "old|previous|former ~2 number|phone|cell|mobile|landline",
        // "If I reply 'stop', will you really take me out?": a question about the process.
        "if i ~2 reply|replied|send|answer|respond|click|type|hit|use|press|follow|unsubscribe|unsub|opt",
        // "Quick question about your opt-out: …".
        "question ~2 about|on|regarding ~1 your ~1 unsubscribe|opt|optout|unsubscription|unsubscribing",
        // "Does the unsubscribe link in your footer remove only my address, or everyone?": a
        // question about what the link does.
        "does|will|would ~4 link|button|option|form|footer ~4 remove|unsubscribe|take|delete|cover|apply",
        "does|will|would ~1 that|this|it ~2 remove|unsubscribe|take|delete|cover|apply",
        // "… a setup where any reply containing \"unsubscribe\" suppresses the contact": the
        // writer's own process.
        "any|every|each ~1 reply|replies|response|responses|email|emails|message|messages ~1 containing|saying|with",
        // "Your footer asks whether I'd prefer not to hear from you": a question reported.
        "whether ~1 i|we ~2 prefer|want|wish|like|rather",
        // "Please don't stop following up".
        "don|do ~1 not ~1 stop|quit",
        // "If one of our employees asks to be removed, …?": a question about the process.
        "if ~5 ask|asks|asked|request|requests|want|wants ~3 removed|unsubscribed|deleted|opted",
        "use|send|write ~4 work|new|business|other|different|correct ~1 address|email|inbox|account|mailbox",
        "accidentally|mistakenly|inadvertently|accident ~3 un*scri*|unsub*|opted|removed",
        "add|put ~2 me|us ~1 back",
        "resubscri*|re subscribe",
        "switch|switching|move|moving ~2 to ~1 you|your|brightline",
        // "Leave me alone until after the holidays, then call me": a deferral.
        "alone ~1 until|till|after",
        "un*scri*|unsub*|opted|removed ~8 by ~1 mistake|accident|error",
        "our|their ~1 un*scri*|unsub*|opt|optout|opt*out ~2 flow|flows|process|page|link|links|rate|rates|button|handling|setup|system|logic|feature|mechanism|option|footer|management",
    ],
    others: &[
        "users|recipients|customers|clients|subscribers|contacts|prospects|leads|colleague|colleagues|someone|somebody|members|attendees|applicants|candidates|students|patients|guests",
        "parent|parents|pupils",
    ],
    feature: &[
        "feature|features|function|functionality|option|tool|tools|platform|software|product|app|automatic*|automated|click|compliance|compliant|integration|workflow|setting|settings",
        "plan|plans|management|manage|policy|policies|process|handling|pricing",
    ],
    own: &["my|mine"],
    writer: &["i|me|my|mine|myself|im"],
    bare_no: &["no|nope|nah"],
    not_interested: &[
        "not|no|don|never|isn|doesn ~3 interest*|need|needed|priorit*|relevan*|fit|sense|worth|useful|necessary|applicable|apply|timing|time|bandwidth|capacity|headcount",
        "consolidat*",
        "not ~1 adding|taking|buying|onboarding ~3 new|any|more|tools|vendors",
        "not|no ~2 interest|interested|interesting",
        "no ~1 need|thanks|thank|budget",
        "not ~2 priority|fit|relevant|needed|necessary",
        "not ~1 for ~1 us|me|now",
        "locked ~2 in|into",
        "under|in ~1 contract",
        "contract ~3 until|through|till|runs",
        "not ~2 have ~3 headcount|bandwidth|capacity|resources|budget|time|need",
        "built|build|developed|develop ~4 internally|ourselves|own|inhouse",
        "hold|holding ~1 off",
        "but no|nope",
        "pass",
        "not ~1 looking|buying|evaluating|shopping",
        "not ~1 in the market",
        "already ~2 have|use|using|work|working|got|signed|partner|partnered|bought",
        "we|were ~1 all set",
        "we ~1 re|are ~1 good|covered|fine|sorted|set",
        "all set",
        "maybe|perhaps ~2 next|later|another",
        "pass|passing ~2 for now",
        "pass on this",
        "don|do ~1 not ~1 need|see",
        "happy with ~2 our|current|what",
        "signed ~3 with|deal",
        "in house|inhouse",
        "doesn|does|isn|is ~1 not ~2 fit|relevant|priority|something",
        "not make sense",
        "not ~2 worth",
        "decided ~3 against|not|wasn",
        "we ~1 use|using|run|have ~4 already",
        "decline|declining|declined",
        "stick|sticking|stay|staying ~1 with",
        "no ~1 room|appetite ~3 budget|for|in",
        "not ~2 on ~2 roadmap|radar|agenda",
        "circle back ~3 next|later|quarter|year",
        "standardi*|standardised ~2 on",
        "not|aren|isn ~2 switching|changing|moving|replacing",
        "competitor|competitors",
        "renewed|extended|signed ~3 contract|with|deal",
        "do|handle|manage ~4 ourselves|internally",
        "too small|early",
        "tried|tested|piloted|trialled|trialed|used ~8 not|didnt ~2 work|deliver|help",
    ],
    wrong_person: &[
        "not ~1 work|works|working ~1 here|there|anymore",
        "i|we|he|she ~2 not|no longer ~1 work|works|working ~3 for|at|with",
        "not|isn ~1 not|wrong ~2 right|correct|best|appropriate|relevant ~1 person|contact|one|people",
        "wrong ~2 person|contact|guy|email|department|team|address|priya|one",
        "i|im|we|he|she ~3 not|longer ~2 responsible|handle|handling|decide|deciding|decision|involved|own|manage|deal",
        "i|im|we|he|she ~3 not|longer ~2 in ~1 charge",
        "not ~2 my ~1 area|department|role|responsibility|remit|call|decision|team|job|wheelhouse",
        "not ~1 the|a decision ~1 maker",
        "decision ~1 maker",
        "moved ~1 on|over",
        "left|leaving ~3 company|business|firm|organization|organisation|role|position|job|team",
        "retired|retiring",
        "no longer ~2 with|at|work|works|working|employed|there|here|in|handle|responsible",
        "i ~1 m|am ~3 intern|assistant|trainee|receptionist",
        "not ~2 make|take ~2 decision|decisions|call",
        "don|do ~1 not ~2 work|handle|manage|own|deal ~2 at|for|with|this|that|these|sales|marketing|purchasing",
        "i ~1 work|am|m ~1 in ~1 finance|hr|legal|engineering|accounting|it|support|procurement|operations|ops",
        "reach|talk|speak|contact|try|email|ask|write ~3 colleague|team|manager|boss|head|director|department|instead|someone",
        "you d|ll|would|should|might ~2 want|need|better ~3 talk|speak|reach|contact|email|ask",
        "forwarded|passed|forwarding|passing ~3 to|along",
        "handles|runs|owns|manages|oversees ~2 this|that|these|our|it|sales|marketing|procurement",
        "responsible ~2 for|of ~1 this|that|these",
        "in charge ~2 for|of ~1 this|that|these",
        "the ~1 one ~2 to ~1 talk|speak|ask|contact",
        "she|he ~1 handles|owns|runs|manages|oversees|leads|decides|covers",
        "confused|mistaken|mixed ~4 someone|else|another",
        "right|best ~1 person ~2 to",
        "on the ~1 engineering|finance|hr|legal|marketing|product|tech|it|technical|ops ~1 side",
        "sold ~3 business|company|shop|firm|practice|agency",
        "new ~1 owner|owners|management",
        "you ~2 meant|mean ~3 someone|sam|colleague|in|from|our|my",
        "probably ~1 meant",
        "must have ~1 meant",
    ],
    copy_in: &["cc|cced|copied|copying|looping|looped|loop ~3 her|him|them|colleague|in"],
    forwarded: &[
        "forwarded|passed|sent|showed ~4 to|along|on",
        "checked|talked|spoke ~2 with",
        "ran ~2 by|past",
        "asked ~2 my|our ~1 boss|manager|director|team|owner|ceo|cfo|cto",
    ],
    reported: &[
        "told|asked|instructed|wants|want|said ~3 me|us|everyone|everybody|me ~2 to ~1 tell|ask|reply|write|answer|respond|email|let",
    ],
    interested: &[
        "monday|tuesday|wednesday|thursday|friday|tomorrow|mon|tue|tues|wed|thu|thurs|fri ~4 1am|1pm|2am|2pm|3am|3pm|4am|4pm|5am|5pm|6am|6pm|7am|7pm|8am|8pm|9am|9pm|10am|10pm|11am|11pm|12am|12pm|noon",
        "what ~3 cost|costs|price|pricing",
        "let|lets ~2 talk|chat|connect|meet|speak|set|schedule|book|find|hop|jump",
        "happy|glad|keen|love|like|open|willing ~2 to ~2 talk|chat|connect|meet|speak|learn|hear|see|look|take|explore|try|discuss",
        "send|share|forward ~3 info|information|details|pricing|prices|deck|overview|demo|video|case|proposal|quote|brochure|materials|invite|invitation|more|onepager|pager|times|slots|availability",
        "more ~1 info|information|details",
        "what|which ~2 time|times|day|days|slot|slots ~2 work|works|suit|good",
        "when ~2 can|could|are ~2 talk|chat|meet|speak|connect|free|available",
        "book|schedule|setup|arrange|grab|find ~3 call|demo|meeting|time|chat|intro|slot|minutes",
        "set up ~3 call|demo|meeting|time|chat|intro",
        "pricing|price|prices|cost|costs|quote ~3 look|like|for|per",
        "how much",
        "do|have|got ~2 time|minutes ~3 monday|tuesday|wednesday|thursday|friday|tomorrow|week|next",
        "are you ~2 free|available",
        "how about|does|is ~2 monday|tuesday|wednesday|thursday|friday|tomorrow",
        "sounds ~1 good|great|interesting|promising",
        "timing ~2 good|great|perfect|right",
        "i|we ~1 m|re|am|are|would|d ~2 interested|curious|open",
        "calendly|calendar",
        "demo|call ~3 next|this ~1 week",
        "demo|call ~3 monday|tuesday|wednesday|thursday|friday",
        "worth ~2 a ~2 look|chat|call|conversation",
        "yes|sure|absolutely|definitely|ok|okay",
    ],
};

/// German.
pub const DE: Cues = Cues {
    language: Language::De,
    unsubscribe: &[
        // "danke, aber bitte künftig ohne mich".
        "kunftig|zukunftig|fortan|weiterhin ~2 ohne mich|uns",
        "ab jetzt ~2 ohne mich|uns",
        "in zukunft ~2 ohne mich|uns",
        "ohne mich|uns ~2 kunftig|zukunftig|fortan|weiterhin",
        // "ab jetzt gerne Funkstille".
        "funkstille",
        // "kein weiterer Kontakt gewünscht".
        "kein|keine|keinen ~1 weiterer|weiteren|weitere ~1 kontakt|kontakte|kontaktaufnahme|kontaktversuche|zusendungen",
        // "Wenn Ihre nächste Kampagne einfach an mir vorbeiziehen könnte".
        "kampagne|kampagnen|aussendung*|mailing* ~4 an ~1 mir|uns ~1 vorbei*",
        // "Weitere Nachrichten brauche ich zu dem Thema keine.".
        "weitere ~1 nachrichten|mails|emails|zuschriften|nachfassmails|erinnerungen ~1 brauche|brauchen|benotige|benotigen|mochte|mochten|will|wollen ~5 keine",
        // "… meine Adresse künftig ruhen zu lassen", "mein Postfach künftig nicht mehr bedenken".
        "mein|meine|unser|unsere ~1 adresse|postfach|posteingang|mailadresse|mailbox|inbox ~6 ruhen|verschonen|verschont|bedenken|bedacht",
        // "Weitere Nachrichten sind nicht nötig".
        "weitere|weiteren ~1 nachrichten|mails|e|emails|zusendungen|anfragen ~3 nicht ~1 notig|erforderlich|notwendig|gewunscht",
        // "… bitte ich Sie, von weiteren Zusendungen an meine Adresse abzusehen".
        "von ~1 weiteren|weitere|kunftigen|zukunftigen ~5 abzusehen|absehen",
        // "Ersparen Sie sich und mir bitte weitere Nachrichten".
        "ersparen|erspart|erspare ~6 weitere|weiteren|kunftige|kunftigen|zukunftige|zukunftigen ~1 nachrichten|mails|e|emails|zusendungen|anfragen|werbung",
        // "sparen Sie sich weitere Nachfassmails".
        "sparen|spart ~2 sich|euch ~2 weitere|weiteren|kunftige|kunftigen ~1 nachrichten|mails|e|emails|nachfassmails|erinnerungen|zusendungen|anfragen",
        // "… wenn dies die letzte Nachricht dieser Art an mich wäre".
        "wenn|falls|dass|hoffe ~2 dies|das|diese|es ~3 letzte ~2 nachricht|mail|email|e|zuschrift|ihrer|ihre",
        "abmeld*|abgemeldet|austragen|ausgetragen|austragung|abbestell*|abzumelden|auszutragen",
        "melde|melden|meldet ~6 ab",
        // Dictation's "bitte ab melden".
        "bitte|mich|uns ~1 ab melden",
        "trag*|tragt ~5 aus",
        "mich in ruhe",
        "unsubscribe",
        "opt out",
        "widersprech*|widerspruch|werbewiderspruch",
        "geloscht|entfernt|gestrichen|ausgetragen|abgemeldet ~2 werden|wird|werde",
        "nie|niemals|nicht ~3 angemeldet|eingewilligt|zugestimmt|registriert|abonniert",
        "keine|ohne ~2 einwilligung|zustimmung",
        "verbitte",
        "widerruf*",
        "stellen|stellt ~5 zusendung*|versand|kontakt*|mails|*mails|werbung|anschreiben|erinnerung*|nachricht*|newsletter|einladung* ~5 ein",
        "einstellen|einzustellen",
        "zusendung*|werbe*|kontaktaufnahme*|*mails|mails|anschreiben|kontaktversuche|nachrichten ~12 zu unterlassen|einzustellen",
        "seh*|sieh* ~3 von ~5 kontakt*|zusendung*|*mail*|mails|anschreiben|werbung|nachrichten|anfragen|kontaktaufnahme* ~1 ab",
        "von ~5 kontakt*|zusendung*|*mail*|mails|anschreiben|werbung|nachrichten|anfragen|kontaktaufnahme* ~2 abzusehen|absehen",
        "austrag*",
        "lass*|lasst ~2 mich|uns ~6 in ruhe",
        // "Bitte verschonen Sie mich künftig mit solchen Nachrichten", "ich verzichte auf
        // weitere Post von Ihnen", "keine weiteren „kurzen Ideen“ mehr an mich".
        "verschon* ~3 mich|uns",
        "verzicht* ~2 auf ~3 post|*mail*|mails|nachrichten|zusendung*|kontakt*|anschreiben|werbung|angebote",
        "keine ~1 weiteren|weitere ~4 mehr ~1 an ~1 mich|uns",
        "noch ~1 eine ~3 *mail*|mails|nachricht ~2 und",
        // "Bitte auf die Sperrliste setzen".
        "auf ~3 sperrliste|sperrlisten|blacklist|blocklist|robinsonliste|negativliste",
        "werbesperre",
    ],
    remove_verb: &[
        "entfern*|losch*|streich*|rausnehm*|herausnehm*|geloscht|gestrichen",
        // Swiss German "us Ihrer Lischte striiche".
        "striich*",
        // "Vergessen Sie diese Adresse".
        "vergessen|vergesst|vergiss",
        "nehm* ~9 aus|raus|heraus",
        // The verb last: "Ich bitte Sie, mich aus Ihrem Verteiler zu nehmen".
        "aus ~5 nehmen|genommen|rauszunehmen|herauszunehmen",
        "rauszunehmen|herauszunehmen",
        "nehm*|nimm ~4 von ~3 liste|listen|*verteiler|verteiler*|*liste|mailing|mailings|newsletter|datenbank|kartei",
    ],
    remove_object: &[
        "liste|listen|*verteiler|verteiler*|newsletter|datenbank|system|crm|adressbuch|kartei|mailingliste|*liste|mailing|mailings|*kartei|sequenz|sequenzen|kampagne|kampagnen|lischte|lischt",
        "meine|meinen|meiner ~1 *adresse|adresse|daten|kontaktdaten|e|*mail*|kontakt|namen",
        "diese|dieses ~1 *adresse|adresse|*mail*",
    ],
    me_object: &["mich|uns"],
    not_remove_object: &[
        "anhang|datei|cc|termin|einladung|kalender|pdf|pdfs|tippfehler|schreibfehler",
    ],
    document: &[
        "angebot|vertrag|entwurf|*prasentation|dokument|seite|rechnung|protokoll|signatur|bericht|report|fallstudie|website|webseite|logo|referenz*",
    ],
    not_unsubscribe_object: &[
        "webinar|demo|termin|meeting|besprechung|veranstaltung|schulung|seminar|kurs|workshop|messe|konferenz|vortrag|telefonat|gesprach|gewerbe|gewerbeamt|betrieb|finanzamt|handelsregister|wohnsitz|krankenkasse|einwohnermeldeamt",
    ],
    cease: &[
        "aufhor*|unterlass*",
        "hor*|hort ~3 auf",
        "stopp*|stop",
        "schluss ~1 mit",
        // "Ich untersage Ihnen jede weitere Kontaktaufnahme", "Ich verbitte mir weitere Mails".
        "untersag*|verbiete|verbieten|verbitte",
        // "könnten Sie bitte davon absehen, mir weiterhin zu schreiben?"
        "absehen",
    ],
    contact_verb: &[
        "schreib*|kontaktier*|kontaktiert|mailen|anmailen|angemailt|zumailen|gemailt|anschreib*|angeschrieben|zusend*|zugesandt|zuschick*|zugeschickt|schick*|send*|anruf*|angerufen|belastig*|zuzusenden|anzuschreiben|nerv*",
    ],
    contact_noun: &[
        "einladungen|*mail*|nachricht*|werbung|werbe*|kontaktaufnahme*|anfrage*|zusendung*|newsletter|spam|anschreiben|post|nachfassen|nachfass*|erinnerung*|followups|follow",
    ],
    no_more: &[
        "kein|keine|keinerlei ~4 mehr",
        "kein|keine weitere|weiteren|weiteres|weiterer",
    ],
    negation: &[
        "nicht|nichts|nie|niemals|keine|kein|keinerlei",
        "nut|nuet|nod|noed|ned",
    ],
    again: &["mehr|wieder|weiter|weiterhin|kunftig|zukunftig|nie|meh"],
    receive: &["erhalt*|bekomm*|empfang*|zugeschickt|zugesandt"],
    desire: &["mocht*|will|wunsch*|wollen|mag|wunschen"],
    bare: &[
        "stop|stopp|abmelden|austragen|loschen|entfernen|abbestellen|abmeldung|unsubscribe",
        "mich ~1 austragen|abmelden|loschen|entfernen",
    ],
    politeness: &["bitte|danke|vielen|dank|sofort|umgehend|gerne"],
    block_before: &[
        // "Ich möchte nicht aus Ihrem Verteiler gestrichen werden".
        "mochte|mochten|will|wollen|muss|mussen ~1 nicht ~4 gestrichen|entfernt|geloscht|ausgetragen|abgemeldet|herausgenommen",
        "mich nicht",
        // "möchte mich nicht abmelden"; after the verb, "abmelden möchte ich mich nicht".
        "will|mochte|muss ~3 nicht",
        "nicht ~1 notig ~1 mich|zu",
        "muss|mussen|brauche|brauchen ~4 nicht",
        // "Abmelden werde ich mich nicht", "Eine Abmeldung verlangen wir ausdrücklich nicht".
        "werde|werden ~3 nicht",
        "verlang*|fordern|fordere|beantrag*|wunschen|wunsche ~6 nicht",
        "ich ~1 kann|werde ~2 mich ~2 selbst|selber",
        "bloss|ja|bitte ~1 nicht",
    ],
    // "Den Abmeldelink find ich selber".
    block_after: &[
        "selbst|selber",
        "find|finde|such|suche|klick|klicke|mach|mache ~1 ich ~1 selbst|selber",
    ],
    veto: &[
        // "Kunden, die uns bitten, sie auszutragen": other people's requests.
        "kunden|leute|personen|nutzer|empfanger|abonnenten|patienten ~3 die ~1 uns|mich ~1 bitten|baten|auffordern|schreiben",
        // "I was about to unsubscribe, but this one came just in time": what nearly happened.
        "kurz ~1 davor ~6 abzumelden|auszutragen|abmelden",
        "fast|beinahe ~4 abgemeldet|ausgetragen",
        // "Abmelden kann ich mich ja notfalls selbst", "du musst mich nirgends austragen".
        "abmelden|austragen ~1 kann|konnen ~1 ich|wir ~1 mich|uns ~3 selbst|selber",
        "musst|muss|mussen ~2 nirgends|nirgendwo ~2 austragen|abmelden|entfernen|streichen",
        // "Kurze Frage zu Ihrer Abmeldung: …": a question about the seller's opt-out.
        "frage ~2 zu|zur ~1 ihrer|ihre|eurer ~1 abmeldung|abmeldefunktion|abmeldeprozess|abmeldelink",
        // "Wenn ich den Link unten anklicke, gilt das dann nur für meine Adresse?".
        "wenn ~1 ich ~4 anklicke|klicke|nutze|benutze",
        // "Wie melde ich mich wieder ab?": a question how, not a request.
        "wie ~1 melde|trage ~4 ab|aus",
        // "… melde ich mich selbst über den Link ab".
        "melde|melden|trage|tragen ~3 selbst|selber",
        // A newsletter footer's instruction to its readers: "Um sich abzumelden, …".
        "um ~1 sich ~3 abzumelden|auszutragen",
        // "Es stört mich nicht, Ihre Mails zu bekommen".
        "stort|storen ~2 mich|uns ~1 nicht",
        "zogern|zogert",
        "gerne ~3 melden|kontaktieren|schreiben ~1 sie",
        "versehentlich ~4 abgemeldet|ausgetragen|abbestellt|entfernt",
        "aus versehen ~4 abgemeldet|ausgetragen|abbestellt|entfernt",
        "wieder ~4 aufnehmen|hinzufugen|eintragen|anmelden",
        "zu ihnen|euch ~1 wechseln",
        "abgemeldet|ausgetragen ~4 versehentlich",
        "abgemeldet|ausgetragen ~4 aus versehen",
        "alte|alten|alter|bisherige|bisherigen|fruhere|fruheren|private|privaten ~3 adresse|*adresse|mail|email",
        "alte|alten|alter|bisherige|bisherigen|fruhere|fruheren ~2 nummer|*nummer|handy",
        "wenn|falls ~1 ich ~3 antworte|zuruckschicke|schicke|sende|klicke",
        "neue|neuen ~3 adresse|*adresse",
        "unsere|unserer|unseren ~1 abmeldung|abmeldungen|abmeldeseite|abmeldelink|abmeldeprozess|abmeldefunktion",
    ],
    others: &[
        "nutzer|benutzer|empfanger|kunden|abonnenten|kontakte|kollege|kollegin|kollegen|jemand|teilnehmer|teilnehmenden",
    ],
    feature: &[
        "*funktion|funktion*|option|tool|tools|plattform|software|produkt|automatisch*|klick|werkzeug|einstellung*|integration",
        "richtlinie*|verwaltung|prozess|tarif|tarife|paket",
    ],
    own: &["mein|meine|meinen|meiner|meinem|meines"],
    writer: &["ich|mich|mir|mein|meine|meinen|meiner|meinem|meines"],
    bare_no: &["nein"],
    not_interested: &[
        "dagegen ~2 entschieden|entscheiden",
        "nicht|kein|keine|keinen ~3 interess*|bedarf|budget|prioritat|relevant|sinnvoll|notig|notwendig|passend|zeitpunkt|sinn|zeit|kapazitat*",
        "kein|keine|keinen ~2 interesse|bedarf|budget|thema|prioritat",
        "nicht ~2 interessiert|interessant|relevant|notwendig|benotigt|prioritat",
        "nicht|kein ~1 jetzt|aktuell|momentan|derzeit|thema",
        "im moment|augenblick ~2 nicht",
        "bereits|schon ~3 losung|anbieter|tool|dienstleister|partner|system|vertrag",
        "bereits|schon ~3 im einsatz",
        "haben|nutzen|verwenden|arbeiten|setzen ~2 bereits|schon",
        "anderen|anderer|eigenen|eigene ~1 anbieter|losung|dienstleister|tool|partner",
        "passt ~3 nicht",
        "brauchen|benotigen ~2 wir ~1 nicht|kein*",
        "nein ~1 danke",
        "vielleicht ~2 nachstes|spater|im",
        "gut aufgestellt|versorgt",
        "verzicht*",
        "melde|melden ~2 mich|uns ~3 falls|wenn|sobald",
        "zufrieden",
        "wettbewerber|konkurrenz|mitbewerber",
        "vertrag ~3 verlangert",
        "verlangert ~3 vertrag",
        "machen|erledigen|regeln|stemmen ~4 selbst|selber|intern",
        "zu klein",
        "andere ~1 losung|anbieter|dienstleister|tool|partner",
        "fur ~4 entschieden",
        "probiert|getestet|versucht ~8 nicht ~2 funktioniert|gebracht|bewahrt",
    ],
    wrong_person: &[
        "nicht ~2 richtige|zustandige|passende ~2 ansprechpartner*|person|kontakt",
        "falsch*|falsche ~2 ansprechpartner*|person|kontakt|adressat|adresse",
        "nicht|kein|keine ~3 zustandig*|verantwortlich|entscheid*|ansprechpartner*|ansprechperson",
        "bei mir falsch",
        "nicht ~2 zustandig",
        "nicht ~1 mein|meine ~1 bereich|zustandigkeit|abteilung|aufgabe|thema",
        "nicht mehr ~4 tatig|beschaftigt|bei",
        "nicht mehr ~2 unternehmen|firma|haus",
        "unternehmen|firma ~2 verlassen",
        "ruhestand|rente",
        "wenden ~2 sie ~3 an",
        "zustandig ~2 ist|sind|dafur",
        "weitergeleitet|weitergegeben|weiterleiten",
        "das macht|ubernimmt|verantwortet",
        "kummert sich",
        "kollege*|kollegin ~4 zustandig|kontaktieren|ansprechen|wenden",
        "verkauft ~3 firma|betrieb|unternehmen|geschaft",
        "firma|betrieb|unternehmen|geschaft ~3 verkauft",
        "neue|neuer|neuen ~1 inhaber*|eigentumer*|besitzer",
    ],
    copy_in: &["in kopie|cc", "kopie|cc ~3 gesetzt|genommen"],
    forwarded: &[
        "weitergeleitet|weitergegeben|weitergereicht|vorgelegt|gezeigt",
        "leite|leitete|gebe|gab|reiche|reichte ~5 weiter",
        "rucksprache|abgesprochen|abgestimmt|gefragt",
    ],
    reported: &["gesagt|gebeten|angewiesen|aufgetragen|verlangt ~4 soll|solle|sollen|sollte|zu"],
    interested: &[
        "was ~2 kostet|kosten|kostete",
        "bin ~3 neugierig|gespannt",
        "klingt ~2 gut|interessant|spannend|spannend",
        "weitere|mehr ~2 informationen|infos|details|unterlagen",
        "schicken|senden|zusenden ~4 informationen|infos|unterlagen|preise|preisliste|angebot|terminvorschlag*|einladung|material|prasentation",
        "informationen|infos|unterlagen|preise|preisliste|angebot|einladung|material|prasentation ~3 schicken|senden|zusenden|zukommen",
        "termin|telefonat|gesprach|call|demo ~3 vereinbaren|ausmachen|machen|abstimmen|einplanen",
        "terminvorschl*",
        "telefonieren|sprechen|austauschen ~2 wir|uns",
        "lassen sie uns",
        "lass uns",
        "gerne|gern",
        "interessiert|interessant",
        "wann ~3 zeit|passt",
        "montag|dienstag|mittwoch|donnerstag|freitag ~3 uhr|passt|zeit",
    ],
};

/// French.
pub const FR: Cues = Cues {
    language: Language::Fr,
    unsubscribe: &[
        // "ce sera sans moi pour la suite".
        "sans moi|nous ~2 pour la suite",
        "sans moi|nous ~2 desormais|dorenavant",
        "sans moi|nous ~2 a l avenir",
        "desormais|dorenavant ~2 sans moi|nous",
        "pour la suite ~2 sans moi|nous",
        // "laisser mon adresse tranquille lors de vos prochaines campagnes".
        "laisser|laissez ~1 mon|ma|notre ~1 adresse|boite|messagerie|courriel ~1 tranquille|en ~1 paix|en ~1 repos",
        // "considérer cet échange comme le dernier sur ce sujet".
        "echange|message|mail|courriel|email ~2 comme ~1 le|la ~1 dernier|derniere",
        // "J'apprécierais que ce message soit le dernier", "sans sixième message".
        "que|si|espere ~2 ce|cet|ceci|cette ~4 dernier|derniere",
        "sans|pas ~2 quatrieme|cinquieme|sixieme|septieme|troisieme ~2 message|mail|relance|courriel|e|envoi",
        "desinscri*|desabonn*|desincri*|desinscrive*|radier|radiez|radiation|desinscription",
        "unsubscribe",
        "paix",
        "oppose|opposons|opposition ~6 traitement|prospection|marketing",
        "jamais ~3 inscrit*|abonne*|consenti|accepte",
        "sans ~2 mon ~1 consentement|accord",
        "laissez|laisse|laissiez ~2 tranquille|tranquilles",
        // "Notre office ne souhaite plus, à l'avenir, recevoir la moindre sollicitation":
        // an adverbial between commas parts the negation from the verb.
        "ne ~1 souhaite|souhaitons|souhaitent|veut|voulons|veulent|desire|desirons ~1 plus ~4 recevoir|etre ~1 contacte|contactes|contactee|sollicite|sollicites",
        "retire|revoque|revoquer ~3 consentement|accord",
        "etre|soit ~1 retire*|supprime*|efface*|radie*|desinscrit*|desabonne*",
        "lachez|lache|lachiez ~2 grappe|basket|baskets",
        // "Je vous serais reconnaissant de ne plus m'inclure dans vos envois".
        "ne ~1 plus ~2 inclure|incluez|inclure ~3 envois|liste|listes|mailing|mailings|diffusion|campagnes",
        "fichez|foutez ~2 paix",
        // "Épargnez-moi vos relances".
        "epargnez|epargne|epargner ~1 moi|nous ~4 relances|mails|messages|courriels|sollicitations|emails|e|prospection",
        "encore ~1 un ~2 mail|message|courriel|email ~2 et",
        // "Mettez tout le domaine en liste rouge", "liste d'exclusion", "liste repoussoir".
        "en|sur|dans ~2 liste ~1 rouge|noire|repoussoir|bloctel",
        "en|sur|dans ~2 liste ~2 exclusion|opposition|suppression",
        "en|sur|dans ~2 blacklist*",
    ],
    remove_verb: &[
        "retir*|supprim*|enlev*|effac*|rayer|rayez|sortir|sortez|otez|oter|suppression|retrait",
        // "Oubliez mon adresse".
        "oubliez|oublier",
    ],
    remove_object: &[
        "liste|listes|fichier|fichiers|base|bases|mailing*|diffusion|crm|newsletter*|envois|contacts",
        "mon|mes ~2 adresse|coordonnees|donnees|mail|email|e|contact|nom|courriel",
        "cette ~1 adresse",
    ],
    me_object: &["moi|me|m|nous"],
    not_remove_object: &[
        "piece|jointe|pj|document|cc|copie|reunion|invitation|pdf|pdfs|coquille|faute|conversation|discussion|echange",
    ],
    document: &[
        "proposition|devis|contrat|brouillon|presentation|page|facture|signature|offre|rapport|etude|site|logo|temoignage",
    ],
    not_unsubscribe_object: &[
        "webinaire|webinar|demo|demonstration|reunion|rendez|formation|seminaire|cours|atelier|salon|conference|evenement|session|visite|registre|rcs|urssaf|greffe|societe|microentreprise|entrepreneur",
    ],
    // "Lâchez-moi avec vos mails".
    cease: &[
        "arret*|cess*|stop|assez",
        "absten*|abstien*",
        "lachez|lache ~1 moi|nous",
    ],
    contact_verb: &[
        "envoy*|ecri*|contact*|sollicit*|relanc*|spam*|harcel*|mail*|import*|deranger|derangez|recontact*|adresser|adressez|adressiez",
    ],
    contact_noun: &[
        "invitations|mail*|e|message|messages|relances|sollicitations|envoi|envois|prospection|spam|newsletters|courriel*|emails|communications|rappels|suivis",
    ],
    no_more: &["plus ~1 de|d|aucun|aucune", "assez de|d"],
    negation: &["ne|n|jamais", "rien"],
    again: &["plus|jamais|nouveau|dorenavant|desormais|avenir|continu*"],
    receive: &["recevoir|recevez|recoive|recois|recoit|recevons"],
    desire: &["veux|voulons|souhait*|desir*|voudrais|aimerais"],
    bare: &[
        "stop|desinscription|desinscrire|retirer|supprimer|desabonnement|desabonner|unsubscribe",
        "retirez|supprimez|desinscrivez ~1 moi",
    ],
    politeness: &["svp|merci|s|il|vous|plait|stp|bien|cordialement"],
    block_before: &[
        // "Inutile de me désinscrire".
        "inutile ~1 de|d ~1 me|m|nous",
        "pas ~1 besoin ~1 de|d",
        // "Pas la peine de me désinscrire".
        "pas ~1 la ~1 peine ~1 de|d",
        "pas me|m",
        // "Je ne cherche pas à me désabonner", "Je ne demande pas à être désinscrite".
        "pas ~1 a ~1 me|m",
        "ne ~1 demande|demandons|cherche|cherchons ~1 pas ~1 a",
        // "Je ne vous demande d'ailleurs pas de me retirer de votre liste".
        "ne ~1 vous|te ~1 demande|demandons ~3 pas ~1 de|d ~1 me|m|nous",
        // "Je peux me désinscrire moi-même"; not "Tu peux me retirer de ta liste ?".
        "je|j|on ~1 vais|peux|peut|pourrai* ~1 me",
        "vais ~1 me",
        "inutile ~1 de",
        "ne me|m|nous",
    ],
    block_after: &["moi meme", "tout seul|seule"],
    veto: &[
        // "les clients qui nous demandent de les désinscrire": other people's requests.
        "clients|personnes|gens|utilisateurs|contacts|abonnes|patients ~2 qui ~1 nous|me ~1 demandent|demandaient|ecrivent",
        // "Je ne vous écris pas pour …": the writer's own writing.
        "ne ~1 vous|te ~1 ecris|ecrivons ~1 pas ~1 pour",
        // "Rien ne vous oblige à me retirer de vos listes": no need to.
        "rien ~2 oblige",
        // "I was about to unsubscribe, but this one came just in time": what nearly happened.
        "failli ~2 desabonn*|desinscri*",
        "sur ~1 le ~1 point ~1 de ~2 desabonn*|desinscri*",
        // "Si quelqu'un répond « arrêtez » au lieu de « STOP », est-ce pris en compte ?": a
        // question about the process.
        "quelqu ~1 un ~1 repond|ecrit|dit|clique",
        // A newsletter footer's instruction to its readers: "Pour vous désinscrire de notre lettre …".
        "pour ~1 vous|se ~1 desinscrire|desabonner",
        // "Ça ne me dérange pas de recevoir vos mails".
        "ne ~2 derange|derangent|gene|genent|ennuie|ennuient ~1 pas",
        "hesit*",
        "par erreur|megarde|inadvertance ~4 desinscri*|desabonn*",
        "desinscri*|desabonn* ~4 par erreur|megarde",
        "reinscri*|rajout*|remettre ~2 liste",
        "passer ~2 chez vous",
        "ancienne|ancien|vieille|precedente|personnelle ~1 adresse|mail|email|courriel|boite",
        "ancien|vieux|precedent ~2 numero|portable|telephone",
        "oubli* ~2 dernier|derniere|precedent|precedente",
        "desabonn*|desinscri* ~8 par erreur|megarde|inadvertance",
        "reinscri*",
        "si je ~2 reponds|renvoie|envoie|clique|tape|desinscris|desabonne",
        "nouvelle ~1 adresse",
        "notre|nos|leur|leurs ~3 desinscription*|desabonnement*",
    ],
    others: &[
        "utilisateurs|destinataires|clients|abonnes|contacts|prospects|collegue|collegues|quelqu",
    ],
    feature: &[
        "outil|outils|fonction*|option|plateforme|logiciel|produit|automatique*|clic|conformite|integration|parametre*",
        "politique|gestion|gere|gerer|gerez|processus|offre|formule|synchronisation",
    ],
    own: &["mon|ma|mes"],
    writer: &["je|j|me|m|moi|mon|ma|mes"],
    bare_no: &["non"],
    not_interested: &[
        "pas|plus|aucun|aucune ~3 interess*|besoin|besoins|priorit*|pertinent*|budget|moment|utile|sens|adapte|temps",
        "deja ~3 ce qu|faut",
        "pas|plus ~2 interess*",
        // "Aucun de nous n'est intéressé".
        "aucun|aucune|personne ~5 interesse|interesses|interessee|interessees",
        "ne ~2 interesse|interessent ~2 pas",
        "pas ~3 actualite|prioritaire|priorite|pertinent|besoin|budget",
        "pas pour ~1 nous|moi",
        "pas le ~1 moment",
        "deja ~3 equipe*|solution|outil|prestataire|fournisseur|partenaire|contrat",
        "avons|utilisons ~2 deja",
        "non ~1 merci",
        "peut etre ~3 tard|annee|prochain*",
        "convient|satisfait*",
        "ne ~2 concerne ~1 pas",
        "ne ~2 correspond ~1 pas",
        "pas ~3 nos ~1 besoins",
        "concurrent|concurrents|concurrence",
        "signe|signer ~3 avec",
        "renouvel* ~3 contrat",
        "faisons|gerons|faire ~4 nous ~1 meme|memes",
        "faisons|gerons|faire ~4 en interne",
        "trop petit*",
        "pas ~3 envisag*|evaluer|cherchons|recherche",
        "essaye|teste ~8 pas ~2 marche|fonctionne",
    ],
    wrong_person: &[
        "ne ~1 fait ~1 plus ~1 partie",
        "pas ~2 bonne|bon ~2 personne|interlocut*|contact",
        "ne ~2 plus ~3 poste|chez|societe|entreprise|travaille",
        "plus en poste",
        "quitte ~3 societe|entreprise|poste|groupe",
        "pas ~3 mon ~1 domaine|ressort|perimetre|service|role",
        "ne ~1 m ~1 occupe ~2 pas|plus",
        "ne ~2 gere ~1 pas|plus",
        "retraite",
        "ne|pas|plus ~3 responsable|charge|decide|decideur|decisionnaire|gere|occupe|interlocut*",
        "contactez|contacter|voyez|adressez|ecrivez ~4 collegue|responsable|directeur|directrice|service|equipe|daf|dsi",
        "voyez ~1 avec",
        "adressez vous",
        "transmis|transfere ~3 votre|ce|a",
        "s occupe ~1 de",
        "trompe ~2 de",
        "vendu ~3 entreprise|societe|affaire|commerce|boutique",
        "nouveau|nouvelle|nouveaux ~1 proprietaire*|repreneur*|gerant*|dirigeant*",
        "transmets|transmis|transfere|transferee|transmettre|relaye ~4 a|au|aux",
    ],
    copy_in: &["en copie|cc", "mets|mis|met ~3 en copie"],
    forwarded: &[
        "transmis|transmise|transfere|transferee|montre|soumis|soumise",
        "fait ~1 suivre|passer",
        "demande|parle|vu ~2 avec|a",
    ],
    reported: &["demande|dit|prie|charge ~3 de ~2 dire|repondre|ecrire|signaler|prevenir|demander"],
    interested: &[
        "lundi|mardi|mercredi|jeudi|vendredi|demain ~4 7h|8h|9h|10h|11h|12h|13h|14h|15h|16h|17h|18h|19h|20h|7h00|7h15|7h30|7h45|8h00|8h15|8h30|8h45|9h00|9h15|9h30|9h45|10h00|10h15|10h30|10h45|11h00|11h15|11h30|11h45|12h00|12h15|12h30|12h45|13h00|13h15|13h30|13h45|14h00|14h15|14h30|14h45|15h00|15h15|15h30|15h45|16h00|16h15|16h30|16h45|17h00|17h15|17h30|17h45|18h00|18h15|18h30|18h45|19h00|19h15|19h30|19h45|20h00|20h15|20h30|20h45|midi",
        "d ~1 accord ~3 echange|echanger|appel|rdv|rendez|call|point|demo|visio|discuter|parler",
        "combien ~3 coute|coutent|cout|couterait",
        "quel|quels ~2 prix|tarif|tarifs",
        "suis ~1 curieux|curieuse",
        "disponible|dispo ~4 appel|echange|call|rendez|rdv|demo|point|visio",
        "pouvons|peut|pourrions|pourriez ~2 en|nous ~1 parler|discuter|echanger|caler|voir",
        "interessant|interesse|interessee|interessees|interesses",
        "envoy* ~4 documentation|tarifs|informations|plaquette|presentation|devis|invitation|infos|details|proposition",
        "plus ~1 d ~1 informations|infos|details",
        "en savoir plus",
        "caler|planifier|organiser|fixer|prevoir|programmer ~3 appel|rendez|rdv|echange|demo|call|creneau|point",
        "volontiers|plaisir",
        "pourquoi pas",
        "quand ~3 disponible|dispo|libre",
        "creneau|creneaux",
        "lundi|mardi|mercredi|jeudi|vendredi ~3 h|heures|matin|apres",
    ],
};

/// Spanish.
pub const ES: Cues = Cues {
    language: Language::Es,
    unsubscribe: &[
        // "Le agradecería que no volviera a contactarme".
        "no ~1 me|nos ~1 volviera|volviese|volvieran|volviesen|volvieras|volvieses ~1 a ~2 contact*|escrib*|envi*|mand*|molest*|llam*",
        "no ~1 volviera|volviese|volvieran|volviesen|volvieras|volvieses ~1 a ~2 contact*|escrib*|envi*|mand*|molest*|llam*",
        // "de aquí en adelante, sin mí".
        "sin mi|nosotros ~3 en adelante",
        "sin mi|nosotros ~3 a partir de ahora",
        "sin mi|nosotros ~3 en lo sucesivo",
        "en adelante ~2 sin mi|nosotros",
        "a partir de ahora ~2 sin mi|nosotros",
        // "mejor dejamos aquí lo de los correos".
        "dejamos|dejemos|dejarlo|dejar ~2 aqui ~3 correos|emails|mails|mensajes|envios",
        // "Deja descansar este correo".
        "deja|deje|dejen|dejad ~1 descansar ~2 correo|direccion|bandeja|buzon|email|casilla",
        // "preferiría que este sea el último".
        "que ~1 este|esta|ese|esa ~1 sea ~1 el|la ~1 ultimo|ultima",
        // "te pediría que le des descanso a mi bandeja".
        "descanso ~3 bandeja|buzon|casilla",
        "bandeja|buzon|casilla ~3 descanse|descansar|en ~1 paz",
        // "Ejercito el derecho de oposición previsto en el artículo 21 del RGPD".
        "derecho ~2 oposicion|supresion|cancelacion|olvido",
        // "Le agradecería que este fuera el último correo", "que no haya un quinto".
        "que|si|espero ~2 este|esta|ese|esa|esto ~3 ultimo|ultima ~2 correo|mensaje|email|e|mail|envio",
        "no ~2 haya|mande|manden|envie|envien ~2 un|una ~1 quinto|quinta|sexto|sexta|cuarto|cuarta|tercer|tercero|tercera|otro|otra",
        "de baja",
        "darme|darse|denme|dame|darnos|deme|dar ~2 baja",
        "desuscrib*|desinscrib*|desuscripcion|desinscripcion|desapunt*",
        "quit*me|elimin*me|borr*me|sac*me|saqu*me|exclu*me|retir*me",
        "dad*me ~2 baja",
        "unsubscribe",
        "desuscrit*|desinscrit*",
        "solicit*|pido|pedimos|tramit*|gestion*|procedan|proceda ~3 baja",
        "baja ~2 de ~1 mi|mis|la|esta|su|sus|este|estos",
        "ser ~1 eliminad*|borrad*|removid*|excluid*|retirad*|quitad*|dad* ~3 baja",
        "opongo|oponemos|oponernos|oponerme|oposicion ~6 tratamiento|publicidad|marketing|comercial*",
        "nunca ~3 suscrib*|suscrit*|registr*|autoric*|autorize|consent*|apunt*",
        "sin ~2 mi ~1 consentimiento|autorizacion|permiso",
        "dej* ~2 en paz",
        "revoco|retiro ~3 consentimiento|autorizacion",
        // "Ahórrense los correos".
        "ahorr*me|ahorr*nos|ahorrense|ahorrese ~4 correos|mensajes|emails|mails|seguimientos",
        "un|otro ~1 correo|mail|email|mensaje ~1 mas ~1 y",
        // "Ponedme en la lista de exclusión", "lista negra", "lista Robinson".
        "en ~2 lista ~2 exclusion|negra|supresion|robinson|bloqueo",
        "en ~2 blacklist*",
        // "No quiero saber más de ustedes".
        "no ~2 quiero|queremos ~1 saber ~2 mas|nada ~2 de ~1 ustedes|vosotros|usted|su|vuestra",
    ],
    remove_verb: &[
        "elimin*|quit*|borr*|exclu*|retir*|suprim*|supresion|remov*|saqu*|sacar|saca|sacad|sacadme|sacarme|sacarnos|sacadlo|sacadla|sacadlos|sacadlas|sacalo|sacala|sacarlo|sacarla",
        // "Olvídense de mi correo".
        "olvid*",
    ],
    remove_object: &[
        "lista|listas|base|bases|mailing*|registros|bbdd|crm|difusion|envios|newsletter*|agenda|contactos",
        "mi|mis ~1 correo|direccion|email|mail|e|datos|contacto|nombre",
        "esta|este ~1 direccion|correo|email|mail",
    ],
    me_object: &["me|nos"],
    not_remove_object: &["adjunto|archivo|copia|cc|reunion|invitacion|documento|pdf|pdfs"],
    document: &[
        "propuesta|presupuesto|contrato|borrador|presentacion|pagina|factura|firma|oferta|pdf|informe|caso|web|logo|testimonio",
    ],
    not_unsubscribe_object: &[
        "webinar|seminario|demo|reunion|llamada|cita|curso|taller|formacion|evento|feria|jornada|sesion|conferencia|autonomo|autonoma|hacienda|seguridad|padron|actividad|medica|medico|maternidad|paternidad|enfermedad|laboral|incapacidad|convenio|contrato|seguro|poliza|gimnasio|membresia|abono|tarjeta",
    ],
    cease: &[
        "dej* ~1 de",
        "paren|pare|parar ~1 de",
        // Adjacent only: "para" is also "for" ("Para temas de investigación … contactar").
        "para de",
        "basta|stop",
        "cancel*|interrump*|suspend*",
        "cese|cesen|cesar|cesad|cesar",
        "absten*|absteng*",
    ],
    contact_verb: &["escrib*|envi*|contact*|mand*|molest*|spam*|recontact*|insist*|acos*"],
    contact_noun: &[
        "invitaciones|correo*|mail*|email*|e|mensaje*|envios|comunicaciones|publicidad|spam|newsletters|boletines|llamadas|seguimientos|recordatorios|follow",
    ],
    no_more: &["no|ningun|ninguna ~2 mas", "ni un|una ~1 mas", "basta de"],
    negation: &["no|nunca|jamas|ni", "nada"],
    again: &[
        // Not "segu*": "segundo", "segunda" (second) are no "again" ("… contactar-me no
        // segundo trimestre", Portuguese read by the Spanish table).
        "mas|nunca|nuevo|vuelv*|jamas|adelante|futuro|sig*|seguir*|seguis|seguimos|seguid|seguia*|continu*",
        "ya ~1 no",
    ],
    receive: &["recib*"],
    desire: &["quiero|queremos|deseo|deseamos|desea*|quer*|gustaria"],
    bare: &[
        "baja|stop|borrar|eliminar|desuscribir|quitar|unsubscribe",
        "de baja",
        "dar ~1 de baja",
        "baja ~1 gracias",
    ],
    politeness: &["por|favor|gracias|porfa|ya|inmediatamente|pf"],
    block_before: &[
        // "no queremos molestar a las familias": the writer's own restraint.
        "no ~1 queremos|quiero|queriamos|queria|pretendemos|pretendo ~1 molestar|saturar|agobiar",
        "no ~1 hace ~1 falta",
        // "… a esta cuenta mientras la dan de baja": they close the account.
        "la|lo|las|los ~1 dan|dieron|daran|dara|van ~2 dar",
        "la|lo|las|los ~1 dan|dieron|daran|dara",
        // "ya me daré de baja (yo) si me canso": the writer's own future.
        "me ~1 dare|daremos",
        // "No quiero que me deis de baja ni que dejéis de escribirme": the negation carries.
        "no ~1 quiero|queremos|pido|pedimos ~6 ni ~1 que",
        // "Y tampoco hace falta que me des de baja de nada".
        "tampoco|ni ~1 hace ~1 falta ~1 que ~1 me|nos|le|les ~1 den|de|des|da|dan|deis",
        "tampoco|ni ~1 hace ~1 falta",
        "no ~1 es ~1 necesario",
        // "No hace falta que me des de baja": the block ends where "de baja" starts.
        "no ~1 hace|es ~1 falta|necesario ~1 que ~1 me|nos|le|les ~1 den|de|des|da|dan|deis",
        "no ~1 hace|es ~1 falta|necesario ~1 que ~1 me|nos ~1 saques|saquen|quites|quiten|borres|borren|elimines|eliminen",
        "no quiero|deseo ~1 darme",
        // "No es que yo me quiera dar de baja".
        "no ~1 es ~1 que ~2 quiera|quisiera|queramos ~1 dar",
        // "No me quiero dar de baja".
        "no ~1 me|nos ~1 quiero|queremos|deseo|deseamos ~1 dar",
        "no",
        "no ~1 me|nos|le|les ~1 den|de|des|borren|quiten|eliminen|saquen|excluyan",
    ],
    block_after: &[
        "yo mismo|misma",
        "yo ~1 desde|mismo|misma|sola|solo",
        // "ya me daré de baja yo si me canso": the writer will do it.
        "yo ~1 si|cuando|cuanto",
    ],
    veto: &[
        // "los clientes que nos piden la baja": other people's requests.
        "clientes|personas|usuarios|contactos|suscriptores|pacientes ~2 que ~1 nos|me ~1 piden|pedian|solicitan|escriben",
        // "No te escribo por el seguro": the writer's own writing.
        "no ~1 te|le|les|os ~1 escribo|escribimos ~1 por|para",
        // "Tampoco te preocupes por quitarme de tu lista": no need to.
        "preocupes|preocupe|preocupeis|preocupen ~2 por|de ~1 quitar*|borrar*|sacar*|dar*|eliminar*",
        // "I was about to unsubscribe, but this one came just in time": what nearly happened.
        "a ~1 punto ~1 de ~3 baja|desuscrib*|darme",
        "casi ~3 de ~1 baja",
        // "No le pido que me borren todavía, primero quiero saber el origen".
        "no ~2 pido|pedimos|solicito ~1 que ~2 borr*|elimin*|quit*|saque*",
        // "Si algún día me molesta, el STOP te lo mando yo".
        "te|se|os ~1 lo ~1 mando|envio|escribo|digo|pido ~1 yo",
        // "Sáquenme de este hilo": the thread, not a list.
        "de ~1 este|esta|la|el ~1 hilo|conversacion|cadena|copia",
        // A newsletter footer's instruction to its readers: "Para darse de baja, …".
        "para ~1 darse ~1 de ~1 baja",
        "para ~1 desuscribirse|desinscribirse",
        // "No me molesta recibir sus correos".
        "no ~1 me|nos ~1 molesta|molestan|molestas|molestais|importa|importan",
        "dud*",
        "por error|equivocacion|accidente ~4 baja|desuscri*|dado",
        "sin querer ~12 baja|desuscri*|dado",
        "volver ~2 suscribir*|anadir*|agregar*",
        "cambiar|pasarnos ~2 a ~1 ustedes|vosotros",
        "baja|desuscri*|desuscrito ~4 por error|equivocacion",
        "baja|desuscri*|dado ~4 sin querer",
        "direccion|correo|email|mail ~1 antigua|antiguo|anterior|vieja|viejo|personal",
        "antiguo|viejo|anterior ~2 numero|movil|celular|telefono",
        "numero|movil|celular|telefono ~1 antiguo|viejo|anterior",
        "si ~1 respondo|contesto|envio|mando|pulso|clico",
        // "si un familiar pide darse de baja de los SMS, ¿…?": someone else's request.
        "si ~5 pide|piden|pidiera|quiere|quisiera ~3 baja|darse|borrar*",
        "nueva|nuevo ~1 direccion|correo|email",
        "nuestra|nuestro|nuestras|nuestros ~2 baja|bajas|desuscripcion*",
    ],
    others: &[
        "usuarios|destinatarios|clientes|suscriptores|contactos|prospectos|companero|companera|companeros|colega|colegas|alguien",
    ],
    feature: &[
        "herramienta|funcion*|opcion|plataforma|software|producto|automatic*|clic|click|integracion|configuracion",
        "politica|gestion|proceso|plan|planes",
    ],
    // Enclitic "me" glued to a verb ("borrarme", "quítenme", "bórreme"), spelled out
    // rather than "*me", which also matches Italian "come" and English "some".
    // Verbs with the object glued on ("borrarme", "quítenme"); not "*rme", which would
    // take the French "plateforme".
    own: &[
        "mi|mis|*arme|*erme|*irme|*enme|*anme|borreme|elimineme|saqueme|quiteme|escribame|contacteme|dejeme",
    ],
    writer: &["yo|me|mi|mis|conmigo|*arme|*erme|*irme|*enme|*anme"],
    bare_no: &["no"],
    not_interested: &[
        "no|ningun|ninguna|sin ~3 interes*|necesidad|necesario|prioridad|presupuesto|momento|sentido|encaja|util|relevante|tiempo",
        "no ~2 interesa|interesados|interesado|interesada|interes",
        "no ~2 lo|la|los ~1 necesitamos|necesito",
        "no ~2 es ~2 prioridad|momento",
        "no ~2 es ~2 buen momento",
        "no ~2 estamos ~2 buscando",
        "ya ~3 tenemos|usamos|utilizamos|trabajamos|contamos",
        "quizas|quiza|vez ~3 ano|adelante|futuro|proximo",
        "no ~1 gracias",
        "sin ~1 presupuesto",
        "no ~2 presupuesto",
        "de momento no|nada",
        "por ~1 ahora|momento ~1 no",
        "no ~3 necesario|vemos|encaja|aplica",
        "satisfechos|contentos",
        "competidor|competencia",
        "renovamos|renovado|renovar ~3 contrato",
        "hacemos|gestionamos|llevamos ~4 nosotros|internamente",
        "demasiado pequen*",
        "no ~5 valorando|considerando|evaluando|contemplando|buscando|planteando",
        "probamos|probado ~8 no ~2 funciono|sirvio",
    ],
    wrong_person: &[
        "no ~1 me ~1 corresponde|toca",
        "ya no ~3 trabaja|forma|encarga",
        "ya no ~1 esta ~3 empresa|aqui|nosotros|compania|equipo|oficina|grupo",
        "no ~1 trabaja ~2 mas|aqui",
        "no ~2 soy ~3 persona|responsable|contacto|indicad*|adecuad*|correct*",
        "no ~2 llevo|gestiono|manejo|decido|encargo",
        "no ~1 me ~1 encargo|ocupo",
        "ya no ~3 trabajo|estoy|formo|encargo",
        "deje ~2 empresa",
        "jubil*",
        "no ~3 responsable|encargad*|decido|decisor|llevo|gestiono|ocupo|corresponde",
        "hable|hablar|contacte|contactar|escriba|escribir|dirija* ~4 con|a ~2 companer*|responsable|director*|departamento|equipo",
        "le paso|reenvi*",
        "el|la responsable",
        "lo|la|eso ~1 lleva|llevan|gestiona|gestionan|maneja|manejan|ve|ven ~4 companer*|colega|equipo|departamento|area|jefe|jefa|director*",
        "encargad*",
        "persona equivocada|equivocado|equivocada",
        "vendi|vendido|vendimos ~3 empresa|negocio|tienda",
        "nuevo|nuevos|nueva ~1 dueno*|propietari*",
        "reenviado|reenvie|reenviare|reenvio|trasladado|traslade|remitido ~4 a|al",
    ],
    copy_in: &["en copia|cc", "copio|copiado ~3 a"],
    forwarded: &[
        "reenviado|reenvie|reenviado|pasado|pase|trasladado|traslade|comentado|comente|consultado|consulte|mostrado|ensenado",
    ],
    reported: &[
        "pidio|dijo|ordeno|encargo|pedido|dicho ~3 que ~3 diga|dijera|escriba|escribiera|responda|respondiera|conteste|avise|pida|pidiera",
    ],
    interested: &[
        "lunes|martes|miercoles|jueves|viernes|manana ~4 7h|8h|9h|10h|11h|12h|13h|14h|15h|16h|17h|18h|19h|20h|7h00|7h15|7h30|7h45|8h00|8h15|8h30|8h45|9h00|9h15|9h30|9h45|10h00|10h15|10h30|10h45|11h00|11h15|11h30|11h45|12h00|12h15|12h30|12h45|13h00|13h15|13h30|13h45|14h00|14h15|14h30|14h45|15h00|15h15|15h30|15h45|16h00|16h15|16h30|16h45|17h00|17h15|17h30|17h45|18h00|18h15|18h30|18h45|19h00|19h15|19h30|19h45|20h00|20h15|20h30|20h45|las",
        "cuanto ~2 cuesta|cuestan|cobran|costaria|vale",
        "curiosidad|curioso|curiosa",
        "me|nos ~1 interesa",
        "interesante",
        "agendar|agendemos|programar|organizar|coordinar|concretar ~3 llamada|reunion|demo|cita|videollamada|hora",
        "podemos|podriamos|hablamos|hablemos ~2 hablar|llamada|reunion|martes|lunes|miercoles|jueves|viernes|semana",
        "mand*|envi* ~4 informacion|info|detalles|precios|propuesta|presentacion|dossier|tarifas|catalogo|demo",
        "mas ~1 informacion|info|detalles",
        "pas*|mand*|envi* ~3 propuesta|presupuesto|informacion|detalles|precios",
        "suena ~1 bien|interesante",
        "cuando ~3 disponible|hablar|puedes|podemos",
        "cuando ~3 le viene",
        "llamada|reunion|demo",
        "vale|claro|perfecto",
    ],
};

/// Portuguese.
pub const PT: Cues = Cues {
    language: Language::Pt,
    unsubscribe: &[
        // "deixe o meu contacto sossegado daqui para a frente".
        "deix* ~3 contacto|contato|email|endereco|caixa ~1 sossegad*|descansar",
        "deix* ~3 contacto|contato|email|endereco|caixa ~1 em paz",
        "sem mim|nos ~3 daqui ~2 frente|diante",
        "sem mim|nos ~3 a partir de agora",
        "daqui ~2 frente|diante ~2 sem mim|nos",
        "a partir de agora ~2 sem mim|nos",
        // "que minha caixa de entrada ficasse de fora das próximas ações".
        "caixa|endereco|email|e ~4 fora ~3 proxim*|acoes|envios|campanhas|disparos|comunicac*",
        // "vou pedir a gentileza de não me incluir nos próximos envios".
        "nao ~1 me|nos ~1 incluir|incluam|inclua|incluirem|coloque|coloquem|colocar ~4 proxim*|envios|lista*|campanha*|comunicac*|disparos|mailing*",
        // "que este endereço não volte a entrar nas vossas campanhas".
        "nao ~1 volte|voltem ~2 entrar|constar|figurar ~3 campanha*|lista*|envios|base|mailing*|comunicac*|disparos",
        // "pode me poupar dos próximos, tá?".
        "me|nos ~1 poupar|poupe|poupem|poupa ~2 proxim*|envios|emails|mails|mensagens",
        // "Agradecia que esta fosse a última mensagem que recebo".
        "que|se|espero ~2 esta|este|essa|esse|isto ~3 ultima|ultimo ~2 mensagem|email|e|mail|contacto|contato|envio",
        "descadastr*|desinscrev*|descredenci*|desinscricao|descadastramento",
        // "venho opor-me ao tratamento dos dados pessoais".
        "oponho|opomos|oposicao|opor|opoe ~6 tratamento|marketing|prospeccao|publicidade",
        "apagamento|eliminacao ~3 dados",
        "cancelar|cancele|cancela|anular|anule ~2 inscricao|assinatura|subscricao|cadastro",
        "sair ~3 lista|mailing|base",
        "unsubscribe",
        "ser ~1 removid*|excluid*|descadastrad*|retirad*|tirad*|apagad*|eliminad*",
        "oponho|oposicao ~6 tratamento|marketing|publicidade",
        "nunca ~3 cadastr*|inscrev*|inscrit*|autoriz*|assin*|consent*",
        "sem ~2 meu|minha ~1 consentimento|autorizacao|permissao",
        "deix* ~2 em paz",
        "revogo|retiro ~3 consentimento|autorizacao",
        // "Me poupe dos seus e-mails".
        "poup* ~1 me ~4 emails|e|mails|mensagens|contatos",
        "me ~1 poupe|poupem",
        "mais ~1 um ~2 mail|email|mensagem ~1 e",
        // "Coloquem-me na lista de supressão", "Marca como não contatar".
        "na|em|para ~2 lista ~2 supressao|exclusao|negra|bloqueio",
        "como ~1 nao ~1 contatar|contactar|contato|contacto|perturbe",
        "na|em ~2 blacklist*",
    ],
    remove_verb: &[
        "remov*|exclu*|tir*|retir*|apag*|elimin*|delet*|descart*|remocao",
        // "Esquece meu e-mail".
        "esquec*|esqueca|esquecam",
    ],
    remove_object: &[
        "lista|listas|base|bases|mailing*|cadastro|cadastros|contatos|crm|envios|newsletter*",
        "meu|meus|minha|minhas ~2 email|e|contato|endereco|dados|nome|mail|informacoes",
        "este|esse ~1 email|e|endereco|contato",
        "contactos",
    ],
    me_object: &["me|nos|mim"],
    not_remove_object: &["anexo|arquivo|copia|cc|reuniao|convite|documento|pdf|pdfs"],
    document: &[
        "proposta|orcamento|contrato|rascunho|apresentacao|pagina|fatura|assinatura|pdf|relatorio|caso|site|logo|depoimento",
    ],
    not_unsubscribe_object: &[
        "webinar|demo|reuniao|chamada|curso|workshop|formacao|evento|feira|sessao|palestra|medica|maternidade|paternidade|doenca|financas|atividade|jantar|almoco|encontro|congresso|reserva|codigo|codigos|item|itens|produto|produtos|duplicado|duplicados",
    ],
    cease: &[
        "pare|parem|parar|pararem|parasse|parassem ~1 de|com",
        // Adjacent only: "para" is also "for".
        "para de|com",
        "chega ~1 de",
        "stop",
        "cancel*|interromp*|suspend*",
        "deixar|deixem|deixe|deixa|deixarem ~1 de",
        // "Agradecia que deixassem de me enviar e-mails".
        "deixassem|deixasse|deixasseis ~1 de",
        "cess*",
        "abst*",
    ],
    contact_verb: &[
        "mand*|envi*|escrev*|contat*|spam*|perturb*|incomod*|ligar|recontat*",
        // European Portuguese spelling: "contactado", "contactar".
        "contact*|recontact*",
    ],
    contact_noun: &[
        // "e" alone is "and": only "e-mail" (folded to "e mail") names a message.
        "convites|convite|email*|mail*|emails|mensage*|comunicac*|spam|newsletter*|propaganda*|contato*|contacto*|follow|followups|lembretes|cobrancas",
        "e mail",
    ],
    no_more: &["nao|nenhum|nenhuma ~2 mais", "chega de"],
    negation: &["nao|nunca|jamais|nem", "nada"],
    again: &["mais|nunca|novamente|jamais|futuro|continu*|volt*"],
    receive: &["receb*"],
    desire: &[
        "quero|queremos|desejo|desejamos|gostaria|gostariamos|deseja|desejam|pretendo|pretendemos|pretende",
    ],
    bare: &[
        "sair|descadastrar|remover|parar|stop|pare|descadastre|remova|cancelar",
        "remov*|descadastr*|tir* ~1 me",
    ],
    politeness: &["por|favor|obrigad*|pf|pfv|grato|grata|ja"],
    block_before: &[
        "nao ~1 precisa ~1 de|me",
        // "não é preciso retirar-me da lista".
        "nao ~1 e ~1 preciso|necessario",
        // "Não estou pedindo para sair da lista".
        "nao ~1 estou|estamos ~1 pedindo|solicitando ~1 para|que",
        "nao ~1 quero|preciso ~1 me|sair",
        // "Não me quero descadastrar", "Eu não quero sair da lista".
        "nao ~1 me|nos ~1 quero|queremos",
        "nao ~1 quero|queremos|pretendo",
        "vou|posso ~1 me",
        "nao",
        "nao ~1 me|nos",
    ],
    block_after: &["sozinho|sozinha|mesmo|mesma"],
    veto: &[
        // "os clientes que nos pedem para sair": other people's requests.
        "clientes|pessoas|usuarios|contatos|contactos|assinantes|pacientes ~2 que ~1 nos|me ~1 pedem|pediam|solicitam|escrevem",
        // "Não te escrevo por causa de …": the writer's own writing.
        "nao ~1 te|lhe|vos ~1 escrevo|escrevemos ~1 por|para|sobre",
        // "I was about to unsubscribe, but this one came just in time": what nearly happened.
        "quase ~3 descadastr*",
        "prestes ~1 a ~2 descadastr*|cancelar",
        // "Estava prestes a responder a pedir para me retirarem da lista, mas …".
        "prestes ~1 a ~5 retir*|remov*|tirar*|descadastr*",
        // "De onde vocês tiraram esse e-mail?": where the address came from.
        "onde ~3 tiraram|tirou|tiraste|conseguiram|conseguiu|pegaram|pegou|arranjaram",
        // A newsletter footer's instruction to its readers: "Para se descadastrar, …".
        "para ~1 se ~1 descadastrar|desinscrever",
        "para ~1 descadastrar|desinscrever ~1 se",
        // "Não me incomoda receber as vossas novidades".
        "nao ~1 me|nos ~1 incomoda|incomodam|importa|chateia",
        "hesit*",
        "por engano|erro|acidente ~4 descadastr*|cancel*|inscri*",
        "sem querer ~4 descadastr*|cancel*",
        "voltar ~2 inscrever|adicionar|cadastrar",
        "mudar|passar ~2 para ~1 voces|vos",
        "descadastr*|cancelei|desinscrev* ~4 por engano|erro",
        "descadastr*|cancel*|desinscrev*|inscricao ~4 sem querer",
        "endereco|email|mail ~1 antigo|anterior|velho|pessoal",
        "numero|celular|telemovel|telefone ~1 antigo|anterior|velho",
        "se ~1 eu ~2 responder|enviar|mandar|clicar|descadastrar|desinscrever",
        "novo ~1 endereco|email|mail",
        "nosso|nossa|nossos|nossas ~2 descadastr*",
    ],
    others: &[
        "usuarios|utilizadores|destinatarios|clientes|assinantes|contatos|contactos|colega|colegas|alguem",
    ],
    feature: &[
        "ferramenta|funcao|funcionalidade*|opcao|plataforma|software|produto|automatic*|clique|integracao|configurac*",
        "politica|gestao|processo|plano|planos",
    ],
    own: &["meu|minha|meus|minhas"],
    writer: &["eu|me|mim|meu|minha|meus|minhas|comigo"],
    bare_no: &["nao"],
    not_interested: &[
        "nao|nenhum|nenhuma|sem ~3 interess*|necessidade|necessario|prioridade|orcamento|momento|sentido|encaixa|util|relevante|tempo",
        "nao ~2 interesse|interessa|interessados|interessado|interessada",
        "sem ~1 interesse|orcamento",
        "nao ~3 momento|prioridade",
        "agora nao",
        "nao ~2 faz ~1 sentido",
        "nao ~3 necessario|encaixa",
        "ja ~3 utilizamos|usamos|temos|trabalhamos|contamos|possuimos",
        "outra ~1 ferramenta|solucao|empresa|fornecedor",
        "nao ~2 precisamos|preciso|necessitamos",
        "talvez ~3 ano|futuro|depois|proximo",
        "nao ~1 obrigad*",
        "satisfeitos",
        "concorrente",
        "renovamos|renovado|renovar ~3 contrato",
        "fazemos|tratamos ~4 nos|internamente",
        "muito|demasiado pequen*",
        "nao ~5 avaliando|considerando|procurando",
        "testamos|experimentamos ~8 nao ~2 funcionou|resultou",
    ],
    wrong_person: &[
        "nao ~1 trato|cuido ~2 desse|disso|deste",
        "nao ~1 trabalha|esta ~3 mais|ca|aqui|empresa|conosco|connosco",
        "ja ~1 nao ~1 trabalha|esta",
        "deixou|saiu ~3 empresa|companhia",
        "nao ~2 sou ~3 pessoa|responsavel|contato|indicad*|cert*",
        "nao ~1 sou ~1 eu ~1 quem",
        "nao ~2 cuido|decido|trabalho|respondo|lido",
        "nao ~1 trabalho ~1 mais",
        "sai|deixei ~2 empresa",
        "aposent*",
        "nao ~3 responsavel|encarregad*|decido|decisor|cuido|trato|cabe",
        "fale|falar|contate|procure|procurar|escreva ~4 com|o|a ~2 diretor*|responsavel|colega|equipe|area|setor|gerente",
        "fale com",
        "nao ~1 sou ~2 area|setor|departamento|time",
        "quem ~1 cuida|decide|responde|trata",
        "encaminh*|repass*",
        "vendi|vendido|vendemos ~3 empresa|negocio|loja",
        "novo|novos|nova ~1 dono*|proprietari*",
        "reencaminh*|encaminh*|repassei|repassado ~4 a|ao|para",
    ],
    copy_in: &["em copia|cc", "copio|copiei|copiado ~3 a|o"],
    forwarded: &[
        "repassei|repassado|encaminhei|encaminhado|passei|mostrei|consultei",
        "falei|conversei ~2 com",
    ],
    reported: &[
        "pediu|disse|mandou|pedido|dito ~3 para|que ~2 dizer|diga|dissesse|responder|responda|escrever|escreva|avisar|avise",
    ],
    interested: &[
        // "Opção 1. Quinta de manhã?": a time proposed by weekday and part of the day.
        "segunda|terca|quarta|quinta|sexta|amanha ~2 de ~1 manha|tarde",
        "segunda|terca|quarta|quinta|sexta|amanha ~4 7h|8h|9h|10h|11h|12h|13h|14h|15h|16h|17h|18h|19h|20h|7h00|7h15|7h30|7h45|8h00|8h15|8h30|8h45|9h00|9h15|9h30|9h45|10h00|10h15|10h30|10h45|11h00|11h15|11h30|11h45|12h00|12h15|12h30|12h45|13h00|13h15|13h30|13h45|14h00|14h15|14h30|14h45|15h00|15h15|15h30|15h45|16h00|16h15|16h30|16h45|17h00|17h15|17h30|17h45|18h00|18h15|18h30|18h45|19h00|19h15|19h30|19h45|20h00|20h15|20h30|20h45",
        "quanto ~2 custa|custam|custaria|cobram|fica",
        "curiosidade|curioso|curiosa",
        "tenho|temos ~1 interesse",
        "interessante|interessado|interessada",
        "podemos|vamos|poderiamos ~2 conversar|falar|marcar|agendar|bater",
        "marcar|agendar ~3 conversa|reuniao|call|ligacao|demo|horario|papo",
        "mand*|envi* ~4 proposta|informac*|detalhes|precos|apresentacao|material|valores|orcamento|demo",
        "mais ~1 informac*|detalhes",
        "gostei|bacana|legal",
        "quando ~3 disponivel|conversar|falar|pode",
        "segunda|terca|quarta|quinta|sexta ~3 as|h|horas|feira",
        "chama|chame|liga|ligue|ligar ~3 segunda|terca|quarta|quinta|sexta|amanha|semana",
    ],
};

/// Italian.
pub const IT: Cues = Cues {
    language: Language::It,
    unsubscribe: &[
        // "Mi faccia la cortesia di non insistere oltre", "d'ora in poi senza di me".
        "non ~1 insistere|insista|insistete|insistiate ~1 oltre|ulteriormente|piu",
        "senza di me|noi ~3 d ora in poi",
        "senza di me|noi ~3 da ora in poi",
        "senza di me|noi ~3 in futuro",
        "senza di me|noi ~3 per il futuro|seguito",
        "d ora in poi ~2 senza di me|noi",
        "da ora in poi ~2 senza di me|noi",
        "in futuro ~2 senza di me|noi",
        // "possiamo chiudere qui la nostra corrispondenza, in via definitiva".
        "chiudere|chiudiamo|chiuderei ~2 qui ~3 corrispondenza|scambio|conversazione",
        // "Gradirei che la cosa finisse qui, senza ulteriori solleciti".
        "senza ~1 ulteriori|altri ~1 solleciti|email|mail|messaggi|follow|promemoria|invii",
        // "lasciar riposare il mio indirizzo da qui in avanti".
        "riposare|riposo ~4 indirizzo|casella",
        "indirizzo|casella ~4 riposare|riposo|in ~1 pace",
        // "la mia casella restasse fuori dai prossimi giri".
        "casella|indirizzo ~3 fuori ~1 dai|dalle|da ~2 prossim*|invii|giri|liste|campagne|mailing",
        // "Le sarei grato se questa fosse l'ultima email".
        "se|che|spero ~2 questo|questa|questa ~4 ultimo|ultima ~2 messaggio|mail|email|e|comunicazione|invio",
        "disiscriv*|disiscrizion*|deiscriv*|desiscriv*|cancellami|cancellatemi|cancellarmi|rimuovetemi|rimuovermi|toglietemi|togliermi|eliminatemi|disiscrivetemi",
        "disiscritt*",
        "cancellazione ~3 lista|mailing|newsletter|indirizzo|dati",
        "unsubscribe",
        "essere ~1 rimoss*|cancellat*|eliminat*|tolt*|disiscritt*|escluso|esclusa",
        "oppongo|opponiamo|opporci|opposizione ~6 trattamento|marketing|commerciale|pubblicitari*",
        "mai ~3 iscritt*|autorizzat*|consenso|registrat*",
        "senza ~2 mio ~1 consenso|autorizzazione",
        "lasciat*|lascia* ~2 in pace",
        "revoco|ritiro ~3 consenso",
        "diffida|diffidiamo|diffidano|diffidate|diffidato|diffidata",
        // "Non fatevi più sentire", "risparmiatemi le vostre mail".
        "non ~1 fatevi|fatti|si ~1 piu ~1 sentire|vivi",
        "risparmiatemi|risparmiami|risparmiateci ~4 mail|email|messaggi|solleciti|proposte",
        "ancora ~1 una|un ~2 mail|email|messaggio ~1 e",
        // "Mettetemi in blacklist", "lista di esclusione".
        "in|nella|sulla ~2 lista ~2 esclusione|nera|soppressione|blocco",
        "in|nella ~1 blacklist*|blocklist*",
    ],
    remove_verb: &[
        "cancell*|rimuov*|rimozione|elimin*|togli*|tolga|tolto|levat*|levar*|stralc*",
        // "Dimenticatevi di questo indirizzo".
        "dimentica*|scordat*|scordarvi",
    ],
    remove_object: &[
        "lista|liste|elenc*|mailing*|database|archivi*|newsletter*|indirizzari*|anagrafic*|contatti|crm|campagn*",
        "mio|miei|mia|mie|il|i|nostro|nostri|nostra|nostre ~2 indirizz*|contatto|contatti|dati|email|mail|e|nominativo|nominativi",
        "vostri|vostre|vostro ~1 invii|spedizioni|comunicazioni",
        "questo|questa ~1 indirizzo|email|mail|casella",
    ],
    me_object: &["mi|me|ci"],
    not_remove_object: &["allegato|file|copia|cc|riunione|invito|documento|appuntamento|pdf|pdfs"],
    document: &[
        "proposta|preventivo|contratto|bozza|presentazione|pagina|fattura|firma|offerta|pdf|report|rapporto|caso|sito|logo|testimonianza",
    ],
    not_unsubscribe_object: &[
        "webinar|demo|riunione|call|chiamata|corso|workshop|formazione|evento|fiera|sessione|appuntamento|registro|imprese|iva|inps|malattia|maternita",
    ],
    cease: &[
        "smett*|basta|piantatela|finitela|stop|interromp*|sospend*",
        "astener*|astenet*|asteng*|cessa*|cessi|cessino",
        // "potrebbe evitare di scrivermi in futuro?"
        "evitare|evitate|eviti|evitasse|evitaste ~1 di",
    ],
    contact_verb: &[
        "scriv*|inviar*|inviat*|invia|inviami|inviatemi|invii|invio|inviando|mand*|contatt*|ricontatt*|disturb*|spam*|chiam*|richiam*|import*",
    ],
    contact_noun: &[
        // "e" alone is "and": only "e-mail" (folded to "e mail") names a message.
        "inviti|email|mail|messaggi|comunicazion*|newsletter|spam|pubblicita|mails|proposte|solleciti|promemoria|follow",
        "e mail",
    ],
    no_more: &["nessun|nessuna|niente|non ~3 piu", "basta"],
    negation: &["non|mai|ne", "niente|nulla"],
    again: &["piu|mai|nuovo|futuro|ancora|continu*|ulterior*"],
    receive: &["ricev*"],
    desire: &["voglio|vogliamo|desidero|desideriamo|vorrei|vorremmo|gradirei|desidera|desiderano"],
    bare: &[
        "stop|basta|cancellami|disiscrivimi|rimuovimi|cancellatemi|cancellare|disiscrivere|unsubscribe",
    ],
    politeness: &["grazie|per|favore|cortesia|prego|subito|chiedo|chiediamo|potete|potreste"],
    block_before: &[
        // "premetto che non le chiedo di cancellarmi".
        "non ~1 le|vi|ti|gli ~1 chiedo|chiediamo|domando ~1 di",
        "non ~1 serve|occorre|necessario",
        // "non serve che mi cancellate dalla lista".
        "non ~1 serve|occorre|necessario|bisogno ~1 che",
        // "Non c'è bisogno di togliermi dalla lista".
        "non ~3 bisogno ~1 di",
        "non ~1 voglio|vorrei|devo ~1 essere",
        "non ~1 voglio|vorrei|devo",
        // "non ho intenzione di disiscrivermi".
        "non ~1 ho|abbiamo ~1 intenzione ~1 di",
        // "non vi sto chiedendo di cancellarmi".
        "non ~1 vi|ti|le ~1 sto|stiamo ~1 chiedendo ~1 di",
        // "Non si preoccupi, ci penso io a disiscrivermi dal link": the writer will do it.
        "ci ~1 penso|pensiamo ~1 io|noi ~1 a|ad",
        "posso ~1 farlo",
        "non",
    ],
    block_after: &["da solo|sola", "io"],
    veto: &[
        // "gestire le persone che ci chiedono di non essere più chiamate": other people's requests.
        "persone|clienti|utenti|contatti|iscritti|pazienti ~2 che ~1 ci|mi ~1 chiedono|chiedevano|domandano|scrivono",
        // "Non le scrivo per …": the writer's own writing.
        "non ~1 ti|le|vi ~1 scrivo|scriviamo ~1 per",
        // "I was about to unsubscribe, but this one came just in time": what nearly happened.
        "stavo|stavamo ~1 per ~2 disiscriv*|cancellarmi",
        // "Stavo per risponderle chiedendo di essere rimossa dai vostri contatti, ma …".
        "stavo|stavamo ~1 per ~4 rimoss*|cancell*|disiscriv*|togli*",
        "quasi ~3 disiscri*",
        "sul ~1 punto ~1 di ~2 disiscriv*",
        // "Se no, mi basta sapere da dove viene il contatto": it is enough for me.
        "mi|ci|ti|gli ~1 basta|basterebbe|bastano|bastava",
        // "Togliete pure Giulia da questo thread": the thread, not a list.
        "da ~1 questo|questa|il|la ~1 thread|discussione|conversazione|catena",
        // "Non riesco a smettere di ridere".
        "smettere|smetto|smettiamo ~1 di ~1 ridere|sorridere|pensare|leggere",
        // A newsletter footer's instruction to its readers: "Per cancellarsi dalla newsletter …".
        "per ~1 cancellarsi|disiscriversi",
        // "non mi dà fastidio", "Non ricordo di avervi mai contattato".
        "non ~1 mi|ci ~1 da|danno ~1 fastidio",
        "non ~1 mi|ci ~1 disturba|disturbano",
        "avervi|averti|averla|avere ~2 contattat*|scritto",
        "esit*",
        "per sbaglio|errore ~4 disiscri*|cancellat*",
        "reiscriv*|riaggiung*|rimetter*",
        "passare ~2 a ~1 voi",
        "disiscritt*|cancellat* ~4 per sbaglio|errore",
        "vecchio|precedente|personale ~1 indirizzo|email|mail|casella",
        "vecchio|precedente ~2 numero|cellulare|telefono",
        "se ~2 rispondo|invio|mando|clicco|disiscrivo|cancello",
        "indirizzo ~1 vecchio|precedente|personale",
        "nuovo ~1 indirizzo",
        "nostro|nostra|nostri|nostre ~2 disiscri*",
    ],
    others: &["utenti|destinatari|clienti|iscritti|contatti|collega|colleghi|qualcuno"],
    feature: &[
        "strumento|funzion*|opzione|piattaforma|software|prodotto|automatic*|clic|click|integrazione|impostazion*",
        "politica|gestione|processo|piano|piani",
    ],
    own: &["mio|mia|miei|mie|*mi"],
    writer: &["io|mi|me|mio|mia|miei|mie|*armi|*ermi|*irmi|*atemi|*etemi|*itemi"],
    bare_no: &["no"],
    not_interested: &[
        "non|nessun|nessuna|senza ~3 interess*|bisogno|necessit*|priorit*|budget|momento|senso|utile|rilevante|tempo",
        "non ~3 interessa|interessati|interessato|interessata|interesse",
        "nessun ~1 interesse",
        "gia ~3 fornitore|soluzione|strumento|partner|utilizziamo|usiamo|abbiamo",
        "abbiamo ~1 gia",
        "non ~2 abbiamo ~2 bisogno|budget",
        "non ~2 e ~2 momento|priorita",
        "a posto",
        "non ~2 fa ~1 per ~1 noi|me",
        "non ~2 fa ~1 al ~1 caso ~1 nostro|mio",
        "niente|nessun ~1 acquist*|investiment*",
        "budget ~4 chius*|esaurit*|finit*|bloccat*",
        "no ~1 grazie",
        "magari|forse ~3 anno|futuro|prossimo",
        "soddisfatti",
        "concorrente|concorrenza",
        "rinnovat*|rinnovo|rinnovare ~4 contratto",
        "fornitore ~1 attuale",
        "facciamo|gestiamo ~4 noi|internamente|da soli",
        "troppo piccol*",
        "non ~5 valutando|considerando|cercando",
        "provato ~8 non ~2 funzionato",
    ],
    wrong_person: &[
        "non ~1 sono ~1 io ~2 che|a ~1 decid*|occup*|gestir*",
        "non ~2 lavora ~2 piu",
        "non ~1 e ~1 piu ~3 azienda|noi|societa|ufficio",
        "ha ~1 lasciato ~3 azienda|societa|gruppo",
        "non ~2 sono ~3 referente|persona|responsabile|interlocutore|contatto",
        "non ~1 mi ~1 occupo",
        "non ~2 lavoro ~2 piu",
        "non ~2 piu ~3 azienda|societa|ufficio",
        "lasciato ~3 azienda|societa",
        "pension*",
        "non ~3 responsabile|referente|incaricat*|decido|occupo|competenza|gestisco",
        "contatti|contattare|scriva|scrivere|rivolg* ~4 collega|ufficio|responsabile|direttore|reparto|team",
        "se ne occupa",
        "girato|inoltrato|inoltro|giro",
        "venduto ~3 azienda|attivita|negozio|societa",
        "nuovo|nuovi|nuova ~1 proprietari*|titolar*",
    ],
    copy_in: &["in copia|cc", "metto|messo ~3 in copia"],
    forwarded: &[
        "girato|girata|inoltrato|inoltrata|passato|passata|mostrato|sottoposto|sentito|chiesto",
    ],
    reported: &[
        "chiesto|detto|ordinato|incaricato ~4 di ~2 dire|rispondere|scrivere|avvisare|chiedere",
    ],
    interested: &[
        "lunedi|martedi|mercoledi|giovedi|venerdi|domani ~4 7h|8h|9h|10h|11h|12h|13h|14h|15h|16h|17h|18h|19h|20h|7h00|7h15|7h30|7h45|8h00|8h15|8h30|8h45|9h00|9h15|9h30|9h45|10h00|10h15|10h30|10h45|11h00|11h15|11h30|11h45|12h00|12h15|12h30|12h45|13h00|13h15|13h30|13h45|14h00|14h15|14h30|14h45|15h00|15h15|15h30|15h45|16h00|16h15|16h30|16h45|17h00|17h15|17h30|17h45|18h00|18h15|18h30|18h45|19h00|19h15|19h30|19h45|20h00|20h15|20h30|20h45",
        "quanto ~2 costa|costano|costerebbe|viene",
        "sono ~1 curioso|curiosa",
        "interessante|interessa|interessato|interessata",
        "sentirci|sentiamoci|risentirci",
        "fissare|organizzare|programmare|pianificare ~3 chiamata|call|incontro|demo|appuntamento|riunione",
        "possiamo|potremmo ~2 parlare|sentirci|fissare|vederci|organizzare",
        "mand*|invi* ~4 informazion*|dettagli*|prezz*|listino|propost*|presentazion*|material*|brochure|demo|offert*",
        "piu ~1 informazioni|dettagli",
        "raccont* ~3 di ~1 piu",
        "mand*|invi* ~3 orari|disponibilita",
        "volentieri|certo|ottimo",
        "quando ~3 disponibile|libero|possiamo",
        "lunedi|martedi|mercoledi|giovedi|venerdi ~3 ore|alle|pomeriggio|mattina",
    ],
};

/// Dutch.
pub const NL: Cues = Cues {
    language: Language::Nl,
    unsubscribe: &[
        // "Je hoeft me bij volgende rondes niet meer mee te nemen", "voortaan zonder mij".
        "niet ~1 meer ~1 mee ~2 nemen|rekenen",
        "voortaan ~2 zonder mij|ons",
        "vanaf nu ~2 zonder mij|ons",
        "in het vervolg ~2 zonder mij|ons",
        "zonder mij|ons ~2 voortaan|verder",
        // "mijn mailbox voortaan over te slaan bij jullie campagnes".
        "inbox|mailbox|adres|mailadres|postvak ~4 over ~1 te ~1 slaan|overslaan",
        // "dat dit adres voortaan met rust gelaten wordt", "mijn inbox verdient … rust".
        "inbox|mailbox|adres|mailadres|postvak ~4 met ~1 rust",
        "inbox|mailbox|adres|mailadres|postvak ~3 verdient|gun|gunnen ~4 rust",
        // "mij voortaan niet meer op te nemen in uw mailings".
        "niet ~1 meer ~2 op ~2 nemen ~3 mailing*|lijst*|verzendlijst*|bestand*|campagne*|nieuwsbrie*",
        "niet ~1 meer ~2 opnemen|opneemt ~3 mailing*|lijst*|verzendlijst*|bestand*|campagne*|nieuwsbrie*",
        // "je mag mijn adres met een gerust hart laten rusten".
        "adres|mailadres|mailbox|inbox|postvak ~6 laten ~1 rusten",
        // "Dit was de laatste keer dat ik iets van Dataflux in mijn inbox wil zien".
        "laatste ~1 keer ~1 dat ~1 ik|wij|we ~6 wil|willen|zie|zien|ontvang|ontvangen|krijg|krijgen",
        // "Graag asap van de lijst".
        "graag ~2 van|uit ~1 de|jullie|uw|die ~1 lijst|mailinglijst|verzendlijst|mailing|bestand",
        // Dictation's "graag af melden".
        "graag|mij|me|ons ~1 af melden",
        "af melden ~1 graag|aub|alsjeblieft|alstublieft",
        // "Ik zou het op prijs stellen als dit de laatste mail was".
        "als|dat|hoop|laat ~2 dit|deze|het ~3 laatste ~2 mail|bericht|e|email|berichtje|mailtje",
        "uitschrijv*|afmeld*|uitgeschreven|afgemeld|uitschrijf*",
        "schrijf|schrijft|schrijven ~4 uit",
        "meld|meldt|melden ~4 af",
        "unsubscribe",
        "verwijderd|uitgeschreven|afgemeld|geschrapt ~2 worden|word|wordt",
        "bezwaar ~6 verwerking|direct|marketing|gebruik",
        "nooit ~3 aangemeld|ingeschreven|toestemming|geabonneerd",
        "zonder ~2 toestemming",
        "laat|laten ~2 met rust",
        "trek|trekken ~4 toestemming ~2 in",
        "af ~2 zien|zie|ziet ~2 van ~4 *mail*|mails|contact*|berichten|benadering*|toezending*",
        "af ~2 te zien ~2 van ~4 *mail*|mails|contact*|berichten|benadering*|toezending*",
        "van ~3 lijst|lijsten|mailinglijst|verzendlijst|mailing|mailings|nieuwsbrief ~2 af",
        // "Hier heb ik geen behoefte meer aan, ook niet aan verdere mails".
        "niet ~2 aan ~1 verdere|meer ~1 mails|*mail*|berichten|contact*",
        "bespaar ~1 me|mij|ons ~4 mails|*mail*|berichten|follow*",
        "nog ~1 een ~3 *mail*|mails|bericht ~1 en",
        // "Zet me op jullie blacklist".
        "op ~3 blacklist|uitsluitingslijst|blokkeerlijst",
        "op ~3 zwarte ~1 lijst",
        "blacklist|blokkeer ~2 me|mij|ons|onze|mijn",
    ],
    remove_verb: &[
        "verwijder*|haal|halen|haalt|schrap*|wis|wissen|uithalen",
        // "Streep mijn naam door op jullie lijstje", "Vergeet dit adres".
        "streep|streept|doorstrep*|doorgestreept|vergeet|vergeten",
    ],
    remove_object: &[
        "lijst|lijsten|*lijst|mailinglijst|bestand|bestanden|*bestand|database|systeem|crm|verzendlijst|nieuwsbrief|lijstje",
        // "… staat nog op jullie mailinglijst. Willen jullie hem eruit halen?": out of it.
        "eruit",
        "mijn ~1 adres|*adres|gegevens|e|mail*|naam|contactgegevens",
        // "Henk werkt hier niet meer, haal zijn adres uit jullie mailing".
        "zijn|haar|hun ~1 adres|*adres|gegevens|naam|contactgegevens",
        "mailing|mailings|*campagne|*campagnes|campagne*|flow|flows|sequentie|sequenties",
        "dit ~1 adres|*adres",
    ],
    me_object: &["mij|me|ons"],
    not_remove_object: &[
        "bijlage|bestandje|cc|afspraak|uitnodiging|document|pdf|pdfs|typfout|spelfout",
    ],
    document: &[
        "offerte|voorstel|contract|concept|*presentatie|pagina|factuur|handtekening|pdf|rapport|verslag|case|website|logo|referentie*",
    ],
    not_unsubscribe_object: &[
        "webinar|demo|afspraak|vergadering|meeting|training|cursus|workshop|evenement|beurs|sessie|presentatie|kvk|kamer|gemeente|belastingdienst",
    ],
    cease: &[
        "stop|stoppen|stopt",
        "hou|houd|houden ~2 op",
        "kap|kappen ~2 met",
        "onthoud*|onthouden",
    ],
    contact_verb: &[
        "*mail*|sturen|stuur*|gestuurd|contact*|bena*|schrijv*|spam*|lastig*|zenden|toesturen|bellen|gecontacteerd|benaderd",
    ],
    contact_noun: &[
        "uitnodigingen|mail*|e|mails|berichten|nieuwsbrie*|spam|reclame|contact|emails|berichtjes|herinneringen|follow|followups|vervolgmail*|vervolgbericht*|opvolgmail*",
    ],
    no_more: &["geen ~4 meer", "niet ~2 meer"],
    // "niemand van Jacobs Bouw meer te mailen": nobody, the writer included.
    negation: &["niet|geen|nooit", "niks|niets", "niemand"],
    again: &["meer|nooit|weer|voortaan|blijven|blijf|blijft|langer"],
    receive: &["ontvang*|krijg*|krijgen"],
    desire: &["wil|wens*|willen|wilt"],
    bare: &[
        "stop|afmelden|uitschrijven|verwijderen|unsubscribe",
        "uitschrijven|afmelden ~1 graag",
        "stop ~1 hiermee|ermee|daarmee",
    ],
    politeness: &[
        "graag|alsjeblieft|alstublieft|aub|bedankt|dank|svp|a|u|b|je|wel|kun|kunt|kunnen|zou|zoudt|wilt",
    ],
    block_before: &[
        "niet ~1 nodig ~1 om",
        "hoeft|hoef ~3 niet",
        "kan|ga ~2 zelf",
        // Inside the separable verb: "Ik meld me zelf wel af".
        "zelf",
        "wil|willen|wilt ~2 niet",
        "me|mij|ons ~1 niet",
        // "Niet afmelden hoor!": a negation right before the cue.
        "niet",
    ],
    block_after: &[
        "zelf",
        "doe|doen ~2 zelf",
        // "Stop vooral niet met de nieuwsbrief": a negation right after the imperative.
        "niet",
        "vooral|alsjeblieft|alstublieft|aub|maar|toch|echt ~1 niet",
    ],
    veto: &[
        // "klanten die ons vragen om …": other people's requests.
        "klanten|mensen|gebruikers|personen|relaties|abonnees|patienten ~2 die ~1 ons|mij ~1 vragen|vroegen|bellen|mailen",
        // "Sinds september ontvang ik die nieuwsbrief niet meer": what no longer arrives.
        "sinds ~8 ontvang|krijg ~1 ik ~4 niet ~1 meer",
        // "Ik heb de mail van de club niet meer kunnen vinden": could not, not "no more".
        "niet ~1 meer ~1 kunnen|kon|konden|vinden|terugvinden|openen",
        // "I was about to unsubscribe, but this one came just in time": what nearly happened.
        "op ~1 het ~1 punt ~4 afmelden|uitschrijven|af",
        "bijna ~4 afgemeld|uitgeschreven",
        // "Je hoeft niks voor me te doen qua afmelden".
        "hoeft|hoef|hoeven ~1 niks|niets ~6 afmeld*|uitschrijv*|verwijder*",
        // "Geldt die afmeldlink alleen voor mijn adres, of ook voor info@?": what the link does.
        "geldt|werkt ~3 afmeldlink|afmeldknop|afmelding|link",
        // "Ik werk sinds 1 april niet meer bij Hofstede": a departure, not a request.
        "werk|werkt|werken ~3 niet ~1 meer ~1 bij|voor",
        // "Kunnen jullie die andere partij laten stoppen met mailen?": someone else's mail.
        "andere ~1 partij|partijen|bedrijf|leverancier|bureau|afzender ~4 stoppen|stopt",
        // A newsletter footer's instruction to its readers: "Om je af te melden, …".
        "om ~1 je|u|zich ~2 af ~1 te ~1 melden",
        "om ~1 je|u|zich ~1 uit ~1 te ~1 schrijven",
        // "Het stoort me niet", "vind ik niet erg".
        "stoort|storen ~2 me|mij|ons ~1 niet",
        "vind|vinden ~3 niet ~1 erg",
        "aarzel*",
        "schroom",
        "per ongeluk|abuis|vergissing ~4 afgemeld|uitgeschreven",
        "weer ~3 toevoegen|aanmelden|inschrijven",
        "overstappen ~2 naar ~1 jullie|u",
        "afgemeld|uitgeschreven ~4 per ongeluk|abuis|vergissing",
        "niet ~1 stoppen|stop|ophouden",
        "oude|vorige|prive ~1 adres|mailadres|emailadres|email",
        "oude|vorige ~2 nummer|telefoonnummer|mobiel|mobiele|gsm",
        "per ongeluk|abuis|vergissing ~6 afmeld*|uitschrijv*",
        "als ik ~3 terugstuur|stuur|terugmail|antwoord|beantwoord|klik|reageer|typ|afmeld|uitschrijf",
        "nieuwe ~1 adres|mailadres|emailadres",
        "onze|ons ~1 afmeld*|uitschrijf*",
    ],
    others: &["gebruikers|ontvangers|klanten|abonnees|contacten|collega|collegas|iemand"],
    feature: &[
        "tool|functie*|optie|platform|software|product|automatisch*|klik|integratie|instelling*",
        "beleid|beheer|proces|abonnement",
    ],
    own: &["mijn"],
    writer: &["ik|mij|me|mijn"],
    bare_no: &["nee"],
    not_interested: &[
        "nu ~2 niet",
        "niet|geen ~3 interesse|geinteresseerd|behoefte|budget|prioriteit|nodig|relevant|zinvol|moment|tijd|capaciteit",
        "geen ~2 interesse|behoefte|budget|prioriteit",
        "niet ~2 geinteresseerd|interessant|relevant|nodig",
        "al ~3 oplossing|leverancier|tool|partner|systeem|pakket",
        "hebben ~2 al",
        "tevreden",
        "nee ~1 dank|bedankt",
        "misschien ~3 jaar|later|volgend",
        "past ~2 niet",
        "vast ~4 contract",
        "dus nee",
        "geen ~2 ruimte|tijd|capaciteit|budget",
        "concurrent",
        "contract ~3 verlengd",
        "verlengd ~3 contract",
        "doen|regelen ~4 zelf|intern",
        "te klein",
        "niet ~3 op zoek|overwegen|evalueren",
        "geprobeerd|getest ~8 niet|geen ~2 gewerkt|succes",
    ],
    wrong_person: &[
        "werkt|werken ~2 niet ~2 meer",
        "niet ~2 juiste|goede|aangewezen ~2 persoon|contact|contactpersoon|aanspreekpunt",
        "niet ~2 meer ~3 werkzaam|bij|in dienst",
        "werk ~2 niet ~2 meer",
        "bedrijf ~2 verlaten",
        "met pensioen",
        "niet|geen ~3 verantwoordelijk|beslis*|aanspreekpunt|contactpersoon",
        "niet|geen ~3 over ~1 ga",
        "gaat ~2 niet ~2 over",
        "probeer|neem|mail|bel|benader ~4 collega|afdeling|team|manager|bij",
        // "Ik heb je mail doorgestuurd naar …"; not an away notice's "Je mail wordt niet
        // doorgestuurd".
        "heb|hebben|is|zijn ~3 doorgestuurd|doorgezet|doorgegeven",
        "doorgestuurd|doorgezet|doorgegeven ~1 naar|aan",
        "verkeerde ~2 persoon|adres",
        "ga ~3 niet ~1 over",
        "moet|moeten ~2 je|u ~2 bij",
        "verkocht",
        "nieuwe ~1 eigenaar*",
    ],
    copy_in: &["in de cc|in cc|cc"],
    forwarded: &[
        "doorgestuurd|doorgegeven|voorgelegd|nagevraagd|overlegd|getoond",
        "stuur|stuurde|geef|gaf ~4 door",
    ],
    reported: &[
        "gevraagd|gezegd|opgedragen ~5 te ~1 zeggen|laten|antwoorden|schrijven|mailen|melden|vragen",
    ],
    interested: &[
        "bel|bellen ~2 me|mij|ons ~3 morgen|maandag|dinsdag|woensdag|donderdag|vrijdag|om",
        "wat ~2 kost|kosten",
        "ben ~2 benieuwd|nieuwsgierig",
        "bellen|spreken|afspraak|gesprek|demo|call|kennismaken|kennismaking|inplannen",
        "plan ~3 in",
        "klinkt ~2 goed|interessant",
        "interessant|geinteresseerd",
        "stuur|sturen|toesturen ~4 informatie|info|details|prijzen|offerte|presentatie|voorstel",
        "meer ~1 informatie|info",
        "offerte|prijsopgave ~3 sturen|toesturen|opsturen|maken",
        "wanneer ~3 tijd|schikt|beschikbaar",
        "maandag|dinsdag|woensdag|donderdag|vrijdag ~3 uur|om",
        "bel|belt ~1 me|mij|ons",
        "ja ~1 leuk|graag|prima|goed",
    ],
};

/// Russian.
pub const RU: Cues = Cues {
    language: Language::Ru,
    unsubscribe: &[
        // "спасибо, но дальше без меня", "Давайте завершим нашу переписку".
        "дальше|впредь|далее|дальнейшем ~1 без ~1 меня|нас",
        "без ~1 меня|нас ~1 дальше|впредь|далее",
        "завершим|закончим|прекратим|завершить|закончить|прекратить ~2 переписк*|общение|рассылк*",
        // "позвольте моему адресу отдохнуть от ваших писем".
        "адрес*|почт*|ящик* ~2 отдохнуть|отдыхать|покое|покой",
        // "Пусть следующая кампания пройдёт стороной мимо нас".
        "кампани*|рассылк* ~4 мимо ~1 нас|меня",
        // "Буду признателен, если на этом наше общение и завершится".
        "на ~1 этом ~3 общение|переписк* ~2 заверш*|законч*|прекрат*|прекращ*",
        // "прошу впредь не утруждать себя письмами".
        "не ~1 утруждать|утруждайте ~2 письмами|рассылк*|сообщениями",
        // "чтобы на адрес … от вас больше ничего не приходило".
        "от ~1 вас ~2 больше ~1 ничего|писем",
        "больше ~1 ничего|писем ~1 от ~1 вас",
        // "Буду признателен, если это письмо станет последним".
        "если|чтобы|пусть ~2 это|этот|оно ~3 последн*",
        "отпис*|отпиш*",
        // Russian typed in Latin letters: "otpishite menya".
        "otpis*|otpish*",
        "unsubscribe",
        "чтобы ~2 удалили|исключили|отписали|убрали|вычеркнули",
        "возражаю|возражаем ~6 обработк*|рассылк*",
        "не ~2 подписывал*|подписыва*|давал*|соглаша* ~3 согласи*|рассылк*|это|на",
        "без ~2 моего ~1 согласия",
        "оставьте|оставь ~2 в покое",
        "отзываю ~3 согласи*",
        "отстаньте|отстань|отвяжитесь|отвяжись|отвалите",
        // "Давайте без дальнейших писем", "избавьте меня от ваших рассылок".
        "без ~1 дальнейших|лишних|последующих|новых|ваших ~1 писем|рассылок|сообщений|предложений",
        "избавьте|избавь ~2 меня|нас ~3 от",
        "еще ~1 одно|один ~2 письмо|сообщение ~2 и",
        // "Внесите в стоп-лист", "в чёрный список".
        "в ~2 стоп ~1 лист|листе|листа|листы",
        "в ~1 черный|черные ~1 список|списки",
        // "Требую прекратить их обработку" (my data).
        "прекратить|прекратите|прекратили ~3 обработк*",
    ],
    remove_verb: &[
        // Not "исключительно" (exclusively).
        "удал*|убер*|убрат*|исключите|исключить|исключи|исключил*|исключим|исключа*|исключен|исключена|исключены|исключено|вычеркн*|сотрите|стереть|сотрет|сотрут|сотри|вычерк*",
        // "Забудьте этот адрес".
        "забуд*|забыть",
        "udal*|uberite|ubrat|isklyuch*|iskluch*",
    ],
    remove_object: &[
        "рассылк*|рассылок|списк*|список|баз*|адресат*|crm",
        "нашу|мою ~1 компанию|организацию|фирму",
        "мои|моя|мою|мое ~1 адрес|почту|почта|email|данные|контакт*|e",
        "адрес",
    ],
    me_object: &["меня|нас|menya|menia|nas"],
    not_remove_object: &["вложени*|файл*|копи*|встреч*|приглашени*"],
    document: &[
        "предложени*|договор*|контракт*|презентаци*|страниц*|подпис*|отчет*|кейс*|сайт*|логотип*",
    ],
    not_unsubscribe_object: &[
        "вебинар|вебинара|вебинаре|демо|встреча|встречи|встречу|звонок|звонка|курс|курса|курсы|тренинг|тренинга|семинар|семинара|мероприятие|мероприятия|выставку|выставки|конференцию|конференции|учет|учета|налоговои|ип|больничныи|больничном|отчет|отчета|отчетов|отчеты|отчету|отчетности|сводки|сводку|журнала|журнал|письмо|сообщение|вложение|вложения|файл|файлы",
    ],
    cease: &[
        "прекрат*|перестан*|хватит|довольно|стоп",
        "prekrat*|perestan*|hvatit|khvatit",
        "переста*|prekrashch*|прекращ*",
    ],
    contact_verb: &[
        "писа*|пиш*|присыл*|слат*|шлите|отправл*|рассыл*|беспоко*|спам*|звон*|связыва*|напис*|тревож*",
        "pisat*|pishi*|prisyla*|slat|shlite|otpravlya*|bespoko*|spam*",
    ],
    contact_noun: &["письм*|рассылк*|сообщени*|спам*|реклам*|писем|напоминани*"],
    no_more: &["никаких|больше ~3 писем|рассылок|сообщений|напоминаний"],
    negation: &["не|никогда|ни", "ne|nikogda", "ничего|nichego"],
    again: &["больше|более|впредь|снова|никогда|продолжа*", "bolshe"],
    receive: &["получ*"],
    desire: &["хочу|хотим|желаю|желаем|хотел*|хотелось|лучше|желает|желают"],
    bare: &["стоп|отписка|отписаться|отпишите|удалите|хватит|stop|отписываюсь"],
    politeness: &["пожалуиста|спасибо|срочно|прошу"],
    block_before: &[
        // "Я не прошу меня отписывать".
        "не ~1 прошу|просим",
        "не ~1 нужно|надо|обязательно",
        // "Отписываться не буду" (after the cue).
        "не ~1 буду|будем|стану|станем",
        "не ~1 нужно|надо|обязательно ~1 меня|нас",
        // "Удалять меня никуда не нужно".
        "никуда ~1 не ~1 нужно|надо",
        // "Не надо меня никуда отписывать".
        "не ~1 нужно|надо ~1 меня|нас ~1 никуда",
        "не ~1 хочу ~1 отпис*",
        "сам|сама ~2 могу|смогу",
        "не",
    ],
    block_after: &["сам|сама"],
    veto: &[
        // "Удалять меня из базы и «закрывать запрос» не нужно".
        "удалять|отписывать|исключать|вычеркивать ~7 не ~1 нужно|надо|стоит|требуется",
        // "клиенты, которые просят нас …": other people's requests.
        "клиенты|люди|пользователи|подписчики|абоненты|пациенты ~3 которые ~1 просят|просили ~1 нас|меня",
        // "I was about to unsubscribe, but this one came just in time": what nearly happened.
        "чуть ~1 не|было ~3 отписал*",
        "собирал* ~2 отписаться",
        // "Удалять меня из рассылки не нужно".
        "удал*|отпис*|исключите|исключить|исключи|исключил*|исключим|исключа*|исключен|исключена|исключены|исключено ~4 не ~1 нужно|надо|стоит|требуется",
        "стесня*",
        "на ~1 рабоч*|нов*|друг*|личн*|другои",
        "случаино ~4 отписал*|удалил*",
        "по ошибке ~4 отписал*|удалил*",
        "верните|подпишите ~3 обратно|снова",
        "отписал* ~4 случаино",
        "отписал* ~4 по ошибке",
        "стар*|прежн* ~1 адрес*|почт*|email|ящик*",
        // "на личную почту", not "ничего личного, просто почта разрывается".
        "личн* адрес*|почт*|email|ящик*",
        "стар*|прежн* ~2 номер*|телефон*",
        "если ~1 я ~2 отвечу|отправлю|нажму|отпишусь",
        "если ~2 ответить|написать|нажать|отправить",
        // "не надо останавливаться": don't stop.
        "не ~2 останавлива*",
        // A restaurant's "стоп-лист" (dishes out of stock); "внесите в стоп-лист" asks.
        "стоп лист* ~4 блюд*|кухн*|меню|позици*|товар*|ресторан*|бар*|доск*|склад*|ингредиент*",
        "блюд*|кухн*|меню|позици*|товар*|ресторан*|бар*|повар*|официант*|склад* ~4 стоп лист*",
        "нов* ~1 адрес*",
        "наш*|их ~1 отписк*",
    ],
    others: &[
        "пользователи|пользователеи|пользователям|получатели|получателеи|получателям|клиенты|клиентов|клиентам|подписчики|подписчиков|подписчикам|контакты|контактов|коллег*|кого|кандидат*|соискател*|студент*|пациент*",
    ],
    feature: &[
        "инструмент*|функци*|опци*|платформ*|сервис*|продукт*|автоматическ*|клик*|интеграци*|настройк*",
        "политик*|управлени*|процесс*|тариф*",
    ],
    own: &["мой|мою|мои|моя|мое|моего|моих|моим"],
    writer: &["я|меня|мне|мой|мою|мои|моя|мое|моего|моих|моим|мной|menya|menia|mne"],
    bare_no: &["нет|net"],
    not_interested: &[
        "не|нет ~3 интерес*|нужно|нужен|нужна|нужны|актуальн*|требуется|подходит|подходят|приоритет*|бюджет*|потребност*|время|времени",
        "не ~2 интересно|интересует|интересуют|нужно|нужен|нужна|актуально|актуален|требуется|подходит|подходят",
        "неинтересно|неактуально",
        "уже ~3 есть|используем|работаем|пользуемся|решение",
        "нет ~1 спасибо|бюджета|потребности|необходимости",
        "не ~2 сеичас",
        "может ~2 быть ~3 году|позже|потом",
        "устраивает",
        "конкурент*",
        "продлили ~3 договор|контракт",
        "делаем|справляемся ~3 сами",
        "слишком ~1 мал*|маленьк*",
        "не ~3 рассматриваем|ищем",
        "пробовали ~8 не ~2 сработал*|помогл*",
    ],
    wrong_person: &[
        "не ~2 работаю|работает ~3 компании|здесь|больше",
        "уже ~2 не ~2 работаю",
        "больше ~2 не ~1 работа*",
        "этим ~2 не ~2 занимаюсь|занимается|отвечаю",
        "не ~2 занимаюсь|отвечаю|решаю",
        "не ~3 тот|та|то ~2 человек|контакт",
        "напишите|обратитесь|свяжитесь ~4 директору|руководителю|коллеге|отделу|к|с",
        "переслал|переслала|передал|передала",
        "на пенсии|уволил*",
        "не ~3 отвечаю|занимаюсь|решаю|ответственн*|компетенц*",
        "уволил*|уволен*|ушел|ушла ~3 компании|из",
        "ответственн*",
        "продал*|продана|продан",
        "нов* ~1 владел*|собственник*",
    ],
    copy_in: &["в ~1 копии|копию|копия", "поставил*|ставлю ~3 копи*"],
    forwarded: &["переслал*|передал*|переправил*|показал*|спросил*|уточнил*|посоветовал*|обсудил*"],
    reported: &[
        "попросил*|велел*|сказал*|поручил*|просил* ~3 отвечать|ответить|написать|писать|сообщить|передать|сообщать",
    ],
    interested: &[
        "сколько ~2 стоит|стоят|стоить|будет",
        "какая|какие|какова ~2 цена|цены|стоимость",
        "любопытно",
        "интересно|интересует|интересное",
        "созвон*|встретиться|встречу|обсудить|звонок|созвониться|поговорить|демо",
        "пришлите|вышлите|отправьте|скиньте|направьте|пришли|скинь ~4 презентац*|цен*|прайс*|информац*|подробност*|предложени*|кп|материал*",
        "подробнее",
        "давайте",
        "когда ~3 удобно|можем|свободны",
        "понедельник|вторник|среду|четверг|пятницу ~3 в|час",
    ],
};

/// Every cue table, in [`Language::ALL`] order.
pub const TABLES: [&Cues; 8] = [&EN, &DE, &FR, &ES, &PT, &IT, &NL, &RU];
