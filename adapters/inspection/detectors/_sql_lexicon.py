"""SQL vocabulary the tokenizer classifies words with (MySQL, PostgreSQL, MSSQL, Oracle, SQLite, DB2)."""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


UNION = frozenset({"union", "intersect", "except", "minus"})
STATEMENTS = _words(
    "select insert update delete drop create alter truncate exec execute declare shutdown "
    "waitfor merge grant revoke rename call show print handler load replace prepare deallocate "
    "do backup restore dbcc openrowset opendatasource use set begin copy bulk"
)
LOGIC = frozenset({"and", "or", "xor", "not"})
WORD_OPERATORS = _words("like rlike regexp sounds is in between collate escape similar glob")
ARITHMETIC = frozenset({"div", "mod"})
CLAUSES = _words(
    "from where having group "
    "order by limit offset into outfile dumpfile values table procedure analyse join inner outer "
    "left right cross natural case when then else end as all distinct top null true false exists "
    "delay asc desc returning fetch rows only cast convert binary interval current_user "
    "session_user system_user current user database schema column columns tables function lock "
    "unlock with recursive fields terminated lines charset character using nvarchar varchar int "
    "char sql_variant"
)
TAUTOLOGY_WORDS = frozenset({"true", "false", "null"})
# Functions SQL lets you call without parentheses: as operands they are values, like literals.
NILADIC = _words(
    "current_user session_user system_user current_date current_time current_timestamp "
    "localtime localtimestamp utc_date utc_time utc_timestamp"
)
# Called with no argument, these only tell an attacker which database, user and version they hit.
SYSTEM_INFO = _words(
    "version user database schema current_user session_user system_user db_name user_name "
    "suser_name host_name current_database connection_id"
)

# Functions whose only use in a parameter value is an attack: timing, file, network, errors.
DANGEROUS_FUNCTIONS = _words(
    "sleep benchmark pg_sleep load_file extractvalue updatexml xp_cmdshell utl_http utl_inaddr "
    "dbms_pipe dbms_lock dbms_xmlgen ctxsys xp_dirtree xp_regread xp_fileexist sp_executesql "
    "sp_oacreate sp_makewebtask name_const exp geometrycollection polygon multipoint linestring "
    "pg_read_file pg_ls_dir lo_import randomblob sys_eval sys_exec make_set elt gtid_subset "
    "json_keys floor rand waitfor"
)
FUNCTIONS = DANGEROUS_FUNCTIONS | _words(
    "version user database schema current_user session_user system_user concat concat_ws "
    "group_concat char chr nchar ascii ord hex unhex substring substr mid left right length len "
    "count cast convert if ifnull isnull nullif coalesce iif case md5 sha1 sha2 password encode "
    "decode aes_encrypt aes_decrypt compress uncompress cos sin tan pi abs ceil ceiling round "
    "sqrt power pow log ln db_name user_name host_name suser_name is_srvrolemember has_dbaccess "
    "object_id object_name col_name ascii_str lower upper lcase ucase trim ltrim rtrim reverse "
    "replace repeat space instr locate position strcmp bit_length char_length octet_length conv "
    "bin oct row_count found_rows last_insert_id connection_id uuid now sysdate current_date "
    "to_char to_number utl_raw rawtohex sys_context dbms_utility pg_user current_database "
    "inet_server_addr quote_ident string_agg array_agg xmltype exists any some row values "
    "sqlite_version typeof unicode quotename serverproperty fn_varbintohexstr openquery least "
    "greatest weight_string soundex elt field find_in_set export_set regexp_substr regexp_like "
    "st_latfromgeohash st_pointfromgeohash json_extract any_value collation charset benchmark "
    "master exec execute char_length lpad rpad"
)
SCHEMA_WORDS = _words(
    "utl_http utl_inaddr utl_file dbms_pipe dbms_lock dbms_xmlgen xp_cmdshell xp_dirtree xp_regread "
    "information_schema sysobjects syscolumns sysusers sysdatabases sysibm syscat sysdummy1 "
    "all_tables all_users user_tables dba_users v$version pg_catalog pg_shadow pg_user "
    "pg_database pg_tables mysql sqlite_master msysobjects msysaccessobjects xtype sys dual "
    "schema_name table_name column_name table_schema sysmessages sysprocesses syslogins "
    "sqlite_schema"
)
